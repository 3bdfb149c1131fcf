package dev.pullsecret.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.testing.ClusterWebhook;
import dev.pullsecret.webhook.testing.RequiresKubeApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Copies that tenants made large do not take delivery (nor the process) down. Anyone who can write
 * a Secret can put our label on one named as a delivered pull secret, and a tenant can add labels
 * to our copy in a namespace of theirs: the marks and the hash do not cover them, so the copy stays
 * current and is never rewritten. Here 15 namespaces hold such a Secret with 30,000 labels (0.75 MB
 * of JSON, twice that with the managedFields the API server adds); the watch's list held a page of
 * them whole, filled the heap before the store could reduce them, and no namespace was synced.
 * Without the fix ten such copies still fit the test's 128m heap and fifteen do not; each costs the
 * API server seconds of CPU, so the test makes no more.
 */
@RequiresKubeApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileCopiesIT {

  private static final int NAMESPACES = 15;
  private static final int LABELS = 30_000;
  private static final String RULES =
      """
      pullSecrets:
        - {name: hub-creds, source: hub-creds}
      rules:
        - {name: everyone, namespaces: ["*"], pullSecrets: [hub-creds]}
      """;

  ClusterWebhook cluster;
  final List<String> tenants = new CopyOnWriteArrayList<>();

  /** The tenants' Secrets are there before the webhook starts: its first list meets them all. */
  @BeforeAll
  void start() throws InterruptedException {
    cluster = new ClusterWebhook();
    // Patient: the creates in parallel, beside other tests, may take longer than 10 s each.
    try (var admin = cluster.kube().adminClient(Duration.ofMinutes(1))) {
      String own = cluster.own();
      admin
          .secrets()
          .inNamespace(own)
          .resource(SyncFixture.source(own, "hub-creds", SyncFixture.PULL, "v1"))
          .create();
      Map<String, String> labels = new HashMap<>();
      IntStream.range(0, LABELS).forEach(i -> labels.put("l" + i, ""));
      labels.put(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY);
      // In parallel: each create of a large Secret waits mostly on the API server and etcd.
      IntStream.range(0, NAMESPACES)
          .parallel()
          .forEach(
              i -> {
                String tenant = cluster.kube().uniqueName("bloated-");
                tenants.add(tenant);
                admin
                    .namespaces()
                    .resource(
                        new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(tenant)
                            .endMetadata()
                            .build())
                    .create();
                admin
                    .secrets()
                    .inNamespace(tenant)
                    .resource(
                        new SecretBuilder()
                            .withNewMetadata()
                            .withName("hub-creds")
                            .withLabels(labels)
                            .endMetadata()
                            .withType("Opaque")
                            .build())
                    .create();
              });
    }
    cluster.start(RULES.getBytes(StandardCharsets.UTF_8), Map.of(), "probe-");
  }

  /**
   * The huge Secrets go with the webhook that met them: the API server is shared, and the next
   * class's webhook would otherwise meet them too (its watch of copies, slowed by their events, was
   * closed by the API server, and its 2 s deadlines missed).
   */
  @AfterAll
  void stop() {
    if (cluster == null) {
      return;
    }
    cluster.close();
    try (var admin = cluster.kube().adminClient(Duration.ofMinutes(1))) {
      tenants.parallelStream()
          .forEach(tenant -> admin.secrets().inNamespace(tenant).withName("hub-creds").delete());
    }
  }

  @Test
  void aNewNamespaceStillGetsItsCopyBesideTenantsHugeCopies() {
    String name = cluster.kube().uniqueName("fresh-");

    cluster
        .admin()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();

    cluster.eventually(
        "hub-creds copied into " + name,
        Duration.ofSeconds(30),
        () -> assertThat(cluster.secret(name, "hub-creds")).isNotNull());
    assertThat(cluster.process().log()).doesNotContain("OutOfMemoryError");
  }
}
