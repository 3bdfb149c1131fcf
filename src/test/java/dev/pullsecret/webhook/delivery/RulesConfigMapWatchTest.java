package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.rules.InvalidRulesException;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RulesStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rules straight from the API: one ConfigMap watched, validated as the file, file as fallback. */
class RulesConfigMapWatchTest {

  static final String NS = "pullsecret-webhook";
  static final String RULES = text("delivery/rules.yaml");
  static final String NEW_RULES = text("delivery/rules-without-dockerhub.yaml");

  @TempDir Path dir;
  FaultyApiServer server;
  KubernetesClient client;
  RulesStore reloader;
  Path file;
  final List<InvalidRulesException> refused = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new FaultyApiServer();
    client = server.newClient();
    file = dir.resolve("rules.yaml");
    Files.writeString(file, RULES);
    reloader =
        RulesStore.start(
            file,
            true,
            Duration.ofMillis(20),
            new RulesStore.Listener() {
              @Override
              public void loaded(LoadedRules rules) {}

              @Override
              public void refused(InvalidRulesException error) {
                refused.add(error);
              }
            },
            Clock.systemUTC());
    client.configMaps().inNamespace(NS).resource(configMap(RULES)).create();
  }

  @AfterEach
  void stop() {
    reloader.close();
    client.close();
    server.close();
  }

  private SharedIndexInformer<ConfigMap> watch() {
    var watch = DeliveryConfiguration.watchRules(client, NS, "rules", "rules.yaml", reloader);
    await().until(() -> watch.isWatching() && watch.hasSynced());
    return watch;
  }

  /** How soon: "rules ConfigMap edit → rules in force through the API" of SyncBench. */
  @Test
  void appliesAnEditOfTheConfigMap() {
    try (var ignored = watch()) {
      long generation = reloader.get().generation();

      client.configMaps().inNamespace(NS).resource(configMap(NEW_RULES)).update();

      await().until(() -> reloader.get().generation() > generation);
      assertThat(reloader.get().source()).isEqualTo("configmap " + NS + "/rules key rules.yaml");
      assertThat(reloader.get().digest())
          .isEqualTo(RulesStore.digest(NEW_RULES.getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void keepsTheLastGoodRulesWhenTheConfigMapIsInvalid() {
    try (var ignored = watch()) {
      String digest = reloader.get().digest();

      client.configMaps().inNamespace(NS).resource(configMap("rules: [oops")).update();

      await().until(() -> !refused.isEmpty());
      assertThat(refused.getFirst().getMessage()).contains("configmap " + NS + "/rules");
      assertThat(reloader.get().digest()).isEqualTo(digest);
    }
  }

  /**
   * A ConfigMap whose rules key is gone (renamed, or all its data removed) holds no rules: refused
   * as invalid rules are, counted and reported once, the last good rules kept. Before, it was only
   * logged as a warning, and the file the kubelet then removes was masked by the live watch: no
   * refusal, so the reload metric and its alert said all was well.
   */
  @Test
  void refusesAConfigMapWithoutItsRulesKeyLoudlyOnce() throws Exception {
    try (var ignored = watch()) {
      String digest = reloader.get().digest();
      var renamed = configMap(RULES);
      renamed.setData(java.util.Map.of("rules.yml", RULES));

      client.configMaps().inNamespace(NS).resource(renamed).update();
      Files.delete(file);

      await().until(() -> !refused.isEmpty());
      assertThat(refused.getFirst().getMessage())
          .contains("configmap " + NS + "/rules", "no key rules.yaml");
      await().during(Duration.ofMillis(200)).until(() -> refused.size() == 1);
      assertThat(reloader.get().digest()).isEqualTo(digest);
    }
  }

  /** Rules kept as binaryData (the kubelet projects those keys as files too) are applied. */
  @Test
  void appliesRulesKeptAsBinaryData() {
    try (var ignored = watch()) {
      var binary = configMap(RULES);
      binary.setData(null);
      binary.setBinaryData(
          java.util.Map.of(
              "rules.yaml",
              java.util.Base64.getEncoder()
                  .encodeToString(NEW_RULES.getBytes(StandardCharsets.UTF_8))));

      client.configMaps().inNamespace(NS).resource(binary).update();

      await().until(this::newRulesInForce);
      assertThat(refused).isEmpty();
    }
  }

  /** A deleted ConfigMap: the running webhook keeps its rules, but no new pod of it can start. */
  @Test
  void refusesADeletedConfigMapLoudly() {
    try (var ignored = watch()) {
      String digest = reloader.get().digest();

      client.configMaps().inNamespace(NS).withName("rules").delete();

      await().until(() -> !refused.isEmpty());
      assertThat(refused.getFirst().getMessage()).contains("deleted");
      assertThat(reloader.get().digest()).isEqualTo(digest);
    }
  }

  @Test
  void theLaggingFileNeverBringsBackOlderRulesWhileTheWatchIsLive() throws Exception {
    try (var ignored = watch()) {
      client.configMaps().inNamespace(NS).resource(configMap(NEW_RULES)).update();
      await().until(() -> reloader.get().source().startsWith("configmap"));
      String inForce = reloader.get().digest();

      Files.writeString(file, RULES + "\n# the kubelet's older copy\n");

      // The file is polled every 20 ms: ten polls see it and none applies it.
      await().during(Duration.ofMillis(200)).until(() -> reloader.get().digest().equals(inForce));
    }
  }

  @Test
  void fallsBackToTheFileWhenTheApiServerCannotBeReached() throws Exception {
    server.inject(FaultyApiServer.any(), 503, -1);
    try (var ignored =
        DeliveryConfiguration.watchRules(client, NS, "rules", "rules.yaml", reloader)) {
      Files.writeString(file, NEW_RULES);

      await().atMost(Duration.ofSeconds(2)).until(this::newRulesInForce);
    }
  }

  private boolean newRulesInForce() {
    return reloader
        .get()
        .digest()
        .equals(RulesStore.digest(NEW_RULES.getBytes(StandardCharsets.UTF_8)));
  }

  private static ConfigMap configMap(String rules) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(NS)
        .withName("rules")
        .endMetadata()
        .addToData("rules.yaml", rules)
        .build();
  }

  private static String text(String path) {
    return new String(resource(path), StandardCharsets.UTF_8);
  }
}
