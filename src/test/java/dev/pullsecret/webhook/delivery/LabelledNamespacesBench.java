package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.delivery.SyncBench.jcmd;
import static dev.pullsecret.webhook.delivery.SyncBench.print;
import static dev.pullsecret.webhook.delivery.SyncBench.rssKib;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.testing.KubeApiServer;
import dev.pullsecret.webhook.testing.RequiresKubeApiServer;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.WebhookProcess;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What choosing namespaces by label costs in resident memory, on the real API server (which pages
 * its lists as a cluster does): the packaged jar with delivery on and 10,000 namespaces with 20
 * labels each, once with a rule naming them by glob and once with a rule selecting them by label.
 * The second keeps one label per namespace (only the keys rules and the opt-out read); the other 19
 * cost nothing. Run with {@code bench/sync.sh}.
 */
@RequiresKubeApiServer
@EnabledIfSystemProperty(named = "bench.sync", matches = "true")
class LabelledNamespacesBench {

  private static final int NAMESPACES = 10_000;

  @Test
  void residentMemoryWithTenThousandLabelledNamespaces() throws Exception {
    KubeApiServer kube = KubeApiServer.shared();
    try (KubernetesClient admin = kube.adminClient()) {
      String own = kube.uniqueName("pullsecret-webhook-");
      admin.namespaces().resource(namespace(own, Map.of())).create();
      admin
          .secrets()
          .inNamespace(own)
          .resource(SyncFixture.source(own, "dockerhub-creds", SyncFixture.PULL, "v1"))
          .create();
      Map<String, String> labels = new HashMap<>(Map.of("team", "payments"));
      for (int l = 0; l < 19; l++) {
        labels.put("example.com/label-" + l, "value-" + l + "-" + "x".repeat(40));
      }
      String prefix = kube.uniqueName("team-") + "-";
      for (int i = 0; i < NAMESPACES; i++) {
        admin.namespaces().resource(namespace(prefix + i, labels)).create();
      }
      String byName = new String(Reviews.resource("delivery/rules.yaml"), StandardCharsets.UTF_8);
      String byLabel =
          byName.replace(
              "    namespaces: [\"team-*\"]",
              "    namespaceSelector: {matchLabels: {team: payments}}");
      long[] rss = new long[2];
      for (int run = 0; run < 2; run++) {
        var files = TestServerFiles.create("pullsecret-bench-labels-" + run);
        files.writeRules((run == 0 ? byName : byLabel).getBytes(StandardCharsets.UTF_8));
        var kubeconfig = kube.writeKubeconfig(KubeApiServer.ADMIN, files.dir().resolve("kc"));
        try (var webhook =
            WebhookProcess.startPackagedJar(
                    files,
                    Map.of(
                        "webhook.sync.enabled",
                        "true",
                        "webhook.sync.namespace",
                        own,
                        "webhook.sync.lease-name",
                        "bench-" + run),
                    List.of(SyncBench.NMT, "-Dkubeconfig=" + kubeconfig))
                .awaitReady(Duration.ofSeconds(90))) {
          await()
              .atMost(Duration.ofMinutes(10))
              .pollInterval(Duration.ofSeconds(2))
              .until(() -> synced(webhook) >= NAMESPACES);
          jcmd(webhook.process().pid(), "GC.run");
          await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
          rss[run] = rssKib(webhook.process().pid());
        }
      }
      print(
          "RSS, delivery on, %,d namespaces with 20 labels each (real API server), after a full GC:"
              + " rule by glob %.0f MiB, rule by label %.0f MiB: %+.1f MiB",
          NAMESPACES, rss[0] / 1024.0, rss[1] / 1024.0, (rss[1] - rss[0]) / 1024.0);
    }
  }

  /** The leader's count of synced copies, from its metrics. */
  private static double synced(WebhookProcess webhook) throws Exception {
    try (var http = java.net.http.HttpClient.newHttpClient()) {
      String scrape =
          http.send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(
                              "http://127.0.0.1:"
                                  + webhook.managementPort()
                                  + "/actuator/prometheus"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      var match =
          java.util.regex.Pattern.compile("pullsecret_secret_copies\\{state=\"synced\"\\} (\\S+)")
              .matcher(scrape);
      return match.find() ? Double.parseDouble(match.group(1)) : 0;
    }
  }

  private static io.fabric8.kubernetes.api.model.Namespace namespace(
      String name, Map<String, String> labels) {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .build();
  }
}
