package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.providers.CredentialProviderProperties;
import dev.pullsecret.webhook.providers.CredentialProviders;
import dev.pullsecret.webhook.rules.InvalidRulesException;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.RulesStore;
import dev.pullsecret.webhook.testing.TestContexts;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A fake cluster (the mock API server) and webhook replicas running the sync loop against it.
 * Replicas share the rules file; each has its own client, metrics and Lease identity.
 */
final class SyncFixture implements AutoCloseable {

  static final String OWN = "pullsecret-webhook";
  static final String PULL = "kubernetes.io/dockerconfigjson";

  final FaultyApiServer server = new FaultyApiServer();
  final KubernetesClient admin = server.newClient();
  private final Path rulesFile;
  private final List<AutoCloseable> closing = new ArrayList<>();

  /** A running replica. */
  record Replica(
      SecretSync sync, SimpleMeterRegistry registry, RulesStore reloader, KubernetesClient client) {
    boolean isLeader() {
      return sync.isLeader();
    }

    /** A pull secret of the rules in force, by name. */
    PullSecret pullSecret(String name) {
      return reloader.get().rules().pullSecrets().stream()
          .filter(s -> s.name().equals(name))
          .findFirst()
          .orElseThrow();
    }

    /** What admission would be told of the pull secret {@code name} in {@code namespace}. */
    boolean isMissing(String namespace, String name) {
      return sync.isMissing(namespace, pullSecret(name), false);
    }

    double gauge(String state) {
      return registry.get("pullsecret.secret.copies").tag("state", state).gauge().value();
    }

    double sourceProblems() {
      return registry.get("pullsecret.secret.source.problems").gauge().value();
    }
  }

  SyncFixture(Path dir) {
    this.rulesFile = dir.resolve("rules.yaml");
    useRules("delivery/rules.yaml");
    admin.namespaces().resource(namespace(OWN)).create();
  }

  /** A fake cluster whose own namespace holds the source {@code dockerhub-creds} ("v1"). */
  static SyncFixture withSource(Path dir) {
    var cluster = new SyncFixture(dir);
    cluster.createSource(OWN, "dockerhub-creds", PULL, "v1");
    return cluster;
  }

  void useRules(String fixture) {
    try {
      Files.write(rulesFile, resource(fixture));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Replica start(String identity) {
    return start(identity, server.newClient());
  }

  /** A replica talking through {@code client} (a test's interceptor), which it closes. */
  Replica start(String identity, KubernetesClient client) {
    var reloader = reloader(rulesFile, Duration.ofHours(1));
    var registry = new SimpleMeterRegistry();
    var sync =
        new SecretSync(
                client,
                reloader,
                TestContexts.SCOPE,
                settings(identity),
                registry,
                Clock.systemUTC())
            .start();
    closing.add(client);
    closing.add(reloader);
    closing.add(sync);
    return new Replica(sync, registry, reloader, client);
  }

  /**
   * Starts the credential providers' renewals on {@code replica}, with {@code providers} (whose
   * runs are counted in the replica's registry), renewing at half the lifetime plus up to a tenth
   * and retrying from 50 ms to 500 ms.
   */
  ProviderRenewals renewals(
      Replica replica, Function<MeterRegistry, CredentialProviders> providers) {
    return renewals(replica, providers, Clock.systemUTC());
  }

  /** {@link #renewals(Replica, Function)} on {@code clock}. */
  ProviderRenewals renewals(
      Replica replica, Function<MeterRegistry, CredentialProviders> providers, Clock clock) {
    var renewals =
        new ProviderRenewals(
                replica.sync(),
                providers.apply(replica.registry()),
                new CredentialProviderProperties(
                    "",
                    "",
                    Duration.ofSeconds(10),
                    0.5,
                    0.1,
                    Duration.ofSeconds(2),
                    Duration.ofMillis(50),
                    Duration.ofMillis(500)),
                replica.client(),
                replica.registry(),
                clock)
            .start();
    closing.add(renewals);
    return renewals;
  }

  /** A reloader of {@code file} that polls every {@code poll} and listens to nothing. */
  static RulesStore reloader(Path file, Duration poll) {
    return RulesStore.start(
        file,
        true,
        poll,
        new RulesStore.Listener() {
          @Override
          public void loaded(LoadedRules rules) {}

          @Override
          public void refused(InvalidRulesException error) {}
        },
        Clock.systemUTC());
  }

  static SyncProperties settings(String identity) {
    return new SyncProperties(
        true,
        OWN,
        "",
        "rules.yaml",
        4,
        Duration.ofMinutes(10),
        Duration.ofMillis(20),
        Duration.ofMillis(500),
        "pullsecret-webhook-sync",
        Duration.ofMillis(1500),
        Duration.ofMillis(1000),
        Duration.ofMillis(200),
        identity,
        Duration.ofSeconds(1));
  }

  /**
   * Creates {@code namespace} through {@code admin} and waits up to {@code within} for the copy
   * {@code copy} to arrive in it: delivery, seen from outside, by whatever webhook runs the loop.
   */
  static void createNamespaceAndAwaitCopy(
      KubernetesClient admin, String namespace, String copy, Duration within) {
    admin.namespaces().resource(namespace(namespace)).create();
    await()
        .atMost(within)
        .until(() -> admin.secrets().inNamespace(namespace).withName(copy).get() != null);
  }

  void createNamespace(String name) {
    admin.namespaces().resource(namespace(name)).create();
  }

  /**
   * A namespace as a cluster holds it (labels, kubectl's last-applied annotation, managed fields,
   * finalizer, phase), from {@code delivery/namespace-in-a-cluster.json}: what a watch of
   * namespaces really brings into memory, for the memory figures.
   */
  void createNamespaceAsInACluster(String name) {
    createNamespaceAsInACluster(name, Map.of());
  }

  /** As {@link #createNamespaceAsInACluster(String)}, with {@code labels} added to its own. */
  void createNamespaceAsInACluster(String name, Map<String, String> labels) {
    String json =
        new String(resource("delivery/namespace-in-a-cluster.json"), StandardCharsets.UTF_8)
            .replace("NAME", name);
    Namespace namespace = admin.getKubernetesSerialization().unmarshal(json, Namespace.class);
    namespace.getMetadata().getLabels().putAll(labels);
    admin.namespaces().resource(namespace).create();
  }

  void createSource(String namespace, String name, String type, String content) {
    admin
        .secrets()
        .inNamespace(namespace)
        .resource(source(namespace, name, type, content))
        .create();
  }

  void updateSource(String namespace, String name, String content) {
    admin.secrets().inNamespace(namespace).withName(name).edit(s -> withContent(s, content));
  }

  Secret secret(String namespace, String name) {
    return admin.secrets().inNamespace(namespace).withName(name).get();
  }

  void editSecret(String namespace, String name, UnaryOperator<Secret> edit) {
    admin.secrets().inNamespace(namespace).withName(name).edit(edit);
  }

  List<Event> events(String namespace, String reason) {
    return admin.events().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  /** The version of a copy's content (see {@link DockerConfigs}). */
  static String content(Secret secret) {
    return DockerConfigs.version(secret.getData().values().iterator().next());
  }

  static Secret source(String namespace, String name, String type, String content) {
    return withContent(
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .endMetadata()
            .withType(type)
            .build(),
        content);
  }

  private static Secret withContent(Secret secret, String content) {
    String value =
        switch (String.valueOf(secret.getType())) {
          case "kubernetes.io/dockerconfigjson" -> DockerConfigs.json(content, false);
          case "kubernetes.io/dockercfg" -> DockerConfigs.json(content, true);
          default -> content;
        };
    String key =
        switch (String.valueOf(secret.getType())) {
          case "kubernetes.io/dockerconfigjson" -> ".dockerconfigjson";
          case "kubernetes.io/dockercfg" -> ".dockercfg";
          default -> "password";
        };
    secret.setData(new java.util.HashMap<>(Map.of(key, DockerConfigs.encode(value))));
    return secret;
  }

  private static Namespace namespace(String name) {
    return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
    admin.close();
    server.close();
  }
}
