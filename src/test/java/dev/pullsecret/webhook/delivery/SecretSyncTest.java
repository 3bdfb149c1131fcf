package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.delivery.SyncFixture.OWN;
import static dev.pullsecret.webhook.delivery.SyncFixture.PULL;
import static dev.pullsecret.webhook.delivery.SyncFixture.content;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.delivery.SyncCaches.ObservedCopy;
import dev.pullsecret.webhook.delivery.SyncFixture.Replica;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync loop against fabric8's mock API server in CRUD mode (stateful, with watches). */
class SecretSyncTest {

  @TempDir Path dir;
  @AutoClose SyncFixture cluster;

  @BeforeEach
  void startCluster() {
    cluster = SyncFixture.withSource(dir);
  }

  private Replica leader() {
    Replica replica = cluster.start("replica-a");
    await().atMost(Duration.ofSeconds(5)).until(replica::isLeader);
    return replica;
  }

  /** How soon: "namespace created → copy present" of SyncBench, in bench/README.md. */
  @Test
  void copiesTheSourceIntoANewNamespace() {
    leader();

    cluster.createNamespace("team-a");

    await().until(() -> cluster.secret("team-a", "dockerhub-creds") != null);
    var copy = cluster.secret("team-a", "dockerhub-creds");
    assertThat(content(copy)).isEqualTo("v1");
    assertThat(copy.getType()).isEqualTo(PULL);
    assertThat(copy.getMetadata().getLabels())
        .containsEntry(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY);
    assertThat(copy.getMetadata().getAnnotations())
        .containsEntry(CopyMarks.SOURCE_ANNOTATION, OWN + "/dockerhub-creds")
        .containsKey(CopyMarks.HASH_ANNOTATION);
    assertThat(cluster.secret("team-a", "by-hand")).as("not delivered").isNull();
    await().until(() -> !cluster.events("team-a", "CopyCreated").isEmpty());
  }

  @Test
  void rotationReachesEveryNamespaceWithinSeconds() {
    for (int i = 0; i < 20; i++) {
      cluster.createNamespace("team-" + i);
    }
    Replica replica = leader();
    await().until(() -> replica.gauge("synced") == 20);

    cluster.updateSource(OWN, "dockerhub-creds", "v2");

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              for (int i = 0; i < 20; i++) {
                var copy = cluster.secret("team-" + i, "dockerhub-creds");
                if (copy == null || !content(copy).equals("v2")) {
                  return false;
                }
              }
              return true;
            });
  }

  @Test
  void restoresACopyDeletedOrEditedByHand() {
    cluster.createNamespace("team-a");
    leader();
    await().until(() -> cluster.secret("team-a", "dockerhub-creds") != null);

    cluster.admin.secrets().inNamespace("team-a").withName("dockerhub-creds").delete();
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> cluster.secret("team-a", "dockerhub-creds") != null);

    cluster.editSecret(
        "team-a",
        "dockerhub-creds",
        s -> {
          s.getData().replaceAll((k, v) -> "aGFja2Vk");
          return s;
        });
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> content(cluster.secret("team-a", "dockerhub-creds")).equals("v1"));
  }

  @Test
  void deletesTheCopyWhenNoRuleCoversTheNamespaceAnyMore() {
    cluster.createNamespace("team-a");
    cluster.createNamespace("corp-a");
    Replica replica = leader();
    await().until(() -> cluster.secret("team-a", "dockerhub-creds") != null);

    cluster.useRules("delivery/rules-without-dockerhub.yaml");
    replica.reloader().check();

    await().until(() -> cluster.secret("team-a", "dockerhub-creds") == null);
    assertThat(cluster.secret("corp-a", "dockerhub-creds")).as("still covered").isNotNull();
  }

  /** A source no rule copies from any more leaves the problem count (and its alert) at once. */
  @Test
  void aSourceNoRuleUsesAnyMoreIsNoLongerCountedAmongTheProblems() {
    cluster.createNamespace("corp-a");
    Replica replica = leader();
    await().until(() -> replica.sourceProblems() == 1); // corp-creds: its source does not exist

    cluster.useRules("delivery/rules-delivering-nothing.yaml");
    replica.reloader().check();

    await().until(() -> replica.sourceProblems() == 0);
  }

  @Test
  void leavesASecretThatIsNotOursUntouchedAndReportsAConflict() {
    cluster.createNamespace("team-a");
    cluster.createSource("team-a", "dockerhub-creds", PULL, "theirs");
    Replica replica = leader();

    await().until(() -> replica.gauge("conflict") == 1);
    assertThat(content(cluster.secret("team-a", "dockerhub-creds"))).isEqualTo("theirs");
    await().until(() -> cluster.events("team-a", "CopyConflict").size() == 1);
    assertThat(replica.sync().isMissing("team-a", replica.pullSecret("dockerhub-creds"), false))
        .isFalse();
  }

  @Test
  void keepsCopiesWhenTheSourceIsDeletedAndSaysWhy() {
    cluster.createNamespace("team-a");
    Replica replica = leader();
    await().until(() -> cluster.secret("team-a", "dockerhub-creds") != null);

    cluster.admin.secrets().inNamespace(OWN).withName("dockerhub-creds").delete();

    await().until(() -> cluster.events(OWN, "SourceMissing").size() == 1);
    await().until(() -> replica.gauge("source_missing") == 1);
    assertThat(cluster.secret("team-a", "dockerhub-creds")).isNotNull();
  }

  @Test
  void neverCopiesASourceThatIsNotAPullSecret() {
    cluster.createNamespace("corp-a");
    cluster.createSource("platform", "corp-source", "Opaque", "password");
    Replica replica = leader();

    await().until(() -> replica.gauge("invalid_source") == 1);
    await().until(() -> cluster.events("platform", "SourceNotCopied").size() == 1);
    assertThat(cluster.secret("corp-a", "corp-creds")).isNull();
    assertThat(cluster.secret("corp-a", "dockerhub-creds")).isNotNull();
  }

  @Test
  void copiesAnInvalidPullSecretAnywayAndReportsItOnTheSource() {
    cluster.admin.secrets().inNamespace(OWN).withName("dockerhub-creds").delete();
    cluster.createSource(OWN, "dockerhub-creds", "kubernetes.io/dockercfg", "v1");
    cluster.editSecret(
        OWN,
        "dockerhub-creds",
        s -> {
          s.getData().put(".dockercfg", DockerConfigs.encode("{\"quay.io\":{\"auth\":\"eDp5\"}}"));
          return s;
        });
    cluster.createNamespace("team-a");
    Replica replica = leader();

    await().until(() -> replica.gauge("invalid_source") == 1);
    assertThat(cluster.secret("team-a", "dockerhub-creds")).as("copied anyway").isNotNull();
    await().until(() -> cluster.events(OWN, "SourceInvalid").size() == 1);
    assertThat(cluster.events(OWN, "SourceInvalid").getFirst().getNote())
        .contains("REGISTRY_NOT_COVERED")
        .doesNotContain("eDp5");
  }

  @Test
  void skipsATerminatingNamespace() {
    cluster
        .admin
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName("team-gone")
                .endMetadata()
                .withNewStatus()
                .withPhase("Terminating")
                .endStatus()
                .build())
        .create();
    cluster.createNamespace("team-a");
    leader();

    await().until(() -> cluster.secret("team-a", "dockerhub-creds") != null);
    assertThat(cluster.secret("team-gone", "dockerhub-creds")).isNull();
  }

  @Test
  void cachesKeepOnlyWhatTheReconcileReads() {
    cluster.createNamespaceAsInACluster("team-a");
    Replica replica = leader();
    await().until(() -> cluster.secret("team-a", "dockerhub-creds") != null);
    SyncCaches caches = replica.sync().caches();
    await().until(() -> caches.ours("team-a").containsKey("dockerhub-creds"));

    String version =
        cluster.admin.namespaces().withName("team-a").get().getMetadata().getResourceVersion();
    assertThat(caches.namespaces().facts("team-a"))
        .as("no label, annotation or managed field that no rule reads")
        .hasValue(new NamespaceFacts("team-a", version, false, NamespaceLabels.NONE));

    var stored = cluster.secret("team-a", "dockerhub-creds");
    assertThat(caches.ours("team-a").get("dockerhub-creds"))
        .isEqualTo(ObservedCopy.of(stored))
        .satisfies(copy -> assertThat(copy.contentHash()).isEqualTo(copy.hashMark()));

    // A tenant who can edit Secrets in the namespace adds to our copy: none of it is held.
    cluster
        .admin
        .secrets()
        .inNamespace("team-a")
        .withName("dockerhub-creds")
        .edit(
            s -> {
              s.getMetadata().getAnnotations().put("big", "x".repeat(200_000));
              s.getMetadata().getLabels().put("tenant", "label");
              return s;
            });
    String edited = cluster.secret("team-a", "dockerhub-creds").getMetadata().getResourceVersion();
    await()
        .until(() -> edited.equals(caches.ours("team-a").get("dockerhub-creds").resourceVersion()));
    assertThat(caches.ours("team-a").get("dockerhub-creds"))
        .as("still current: left alone, and held as before")
        .isEqualTo(ObservedCopy.of(cluster.secret("team-a", "dockerhub-creds")));
    assertThat(caches.hasCopy("team-a", "dockerhub-creds")).isTrue();
    assertThat(caches.hasCopy("team-a", "by-hand")).isFalse();
  }

  @Test
  void admissionLearnsFromTheCacheThatACopyIsMissing() {
    cluster.admin.secrets().inNamespace(OWN).withName("dockerhub-creds").delete();
    cluster.createNamespace("team-a");
    Replica replica = leader();
    await().until(() -> replica.gauge("missing") == 1);

    assertThat(replica.isMissing("team-a", "dockerhub-creds")).isTrue();
    assertThat(replica.isMissing("team-a", "by-hand")).as("not delivered: unknown").isFalse();
    assertThat(replica.isMissing(OWN, "dockerhub-creds")).as("the source itself").isFalse();
    assertThat(replica.sync().isMissing("team-a", replica.pullSecret("dockerhub-creds"), true))
        .as("a dry run: told, but its pod is not created, so not counted")
        .isTrue();
    assertThat(replica.registry().get("pullsecret.secret.missing.at.admission").counter().count())
        .isEqualTo(1);
  }
}
