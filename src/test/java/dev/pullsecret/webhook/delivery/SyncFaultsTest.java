package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.delivery.FaultyApiServer.any;
import static dev.pullsecret.webhook.delivery.FaultyApiServer.method;
import static dev.pullsecret.webhook.delivery.SyncFixture.OWN;
import static dev.pullsecret.webhook.delivery.SyncFixture.content;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.delivery.SyncFixture.Replica;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the CRUD mock cannot show by itself, injected in front of it: an API server that fails at
 * start-up and later, 410 Gone on watches, 409 on update, 403 on create; and two replicas.
 */
class SyncFaultsTest {

  @TempDir Path dir;
  @AutoClose SyncFixture cluster;

  @BeforeEach
  void startCluster() {
    cluster = SyncFixture.withSource(dir);
    cluster.createNamespace("team-a");
  }

  @Test
  void catchesUpWhenTheApiServerComesBackAfterFailingAtStartUp() {
    var down = cluster.server.inject(any(), 503, -1);
    Replica replica = cluster.start("replica-a");
    assertThat(replica.isMissing("team-a", "dockerhub-creds"))
        .as("cache not synced: admission says nothing")
        .isFalse();

    cluster.server.remove(down);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cluster.secret("team-a", "dockerhub-creds") != null);
  }

  /**
   * Admission asks only the caches: while every call to the API server is late and the caches have
   * not synced, it says nothing rather than wait. How long an answer takes meanwhile is measured by
   * SlowApiServerBench (bench/sync.sh), not asserted here.
   */
  @Test
  void aSlowApiServerDelaysCopiesButNeverTheAnswersFromTheCache() {
    cluster.server.slow(Duration.ofMillis(100));
    Replica replica = cluster.start("replica-a");

    assertThat(replica.isMissing("team-a", "dockerhub-creds"))
        .as("cache not synced: admission says nothing")
        .isFalse();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> cluster.secret("team-a", "dockerhub-creds") != null);
    cluster.server.slow(Duration.ZERO);
  }

  @Test
  void keepsSyncingAfterWatchesExpireWith410Gone() {
    Replica replica = cluster.start("replica-a");
    await().until(() -> replica.gauge("synced") == 1);

    cluster.server.inject(method("GET", "watch=true"), 410, 3);
    cluster.createNamespace("team-b");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cluster.secret("team-b", "dockerhub-creds") != null);
  }

  @Test
  void reReadsAndRetriesWhenAnUpdateConflicts() {
    Replica replica = cluster.start("replica-a");
    await().until(() -> replica.gauge("synced") == 1);

    cluster.server.inject(method("PUT", "/secrets/dockerhub-creds"), 409, 2);
    cluster.updateSource(OWN, "dockerhub-creds", "v2");

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> content(cluster.secret("team-a", "dockerhub-creds")).equals("v2"));
  }

  /**
   * An Event the API server did not take is told again at the next look at its object: it was
   * remembered as told whether or not it was recorded, so a conflict whose Event met a failing API
   * server was never told (until its note changed or 10,000 others had been told).
   */
  @Test
  void anEventTheApiServerDidNotTakeIsToldAgain() {
    cluster.createSource("team-a", "dockerhub-creds", SyncFixture.PULL, "theirs");
    var refused = cluster.server.inject(method("POST", "/namespaces/team-a/events"), 422, 1);
    Replica replica = cluster.start("replica-a");
    await().until(() -> replica.gauge("conflict") == 1 && refused.remaining.get() <= 0);

    cluster.admin.namespaces().withName("team-a").edit(n -> labelled(n, "looked-at", "again"));

    await().until(() -> cluster.events("team-a", "CopyConflict").size() == 1);
  }

  private static io.fabric8.kubernetes.api.model.Namespace labelled(
      io.fabric8.kubernetes.api.model.Namespace namespace, String key, String value) {
    namespace.getMetadata().setLabels(new java.util.HashMap<>(java.util.Map.of(key, value)));
    return namespace;
  }

  @Test
  void countsForbiddenWritesAndRetriesWithBackOff() {
    var forbidden = cluster.server.inject(method("POST", "/namespaces/team-a/secrets"), 403, -1);
    Replica replica = cluster.start("replica-a");

    await()
        .until(
            () -> replica.registry().get("pullsecret.secret.sync.errors").counter().count() >= 2);
    assertThat(replica.gauge("pending")).isEqualTo(1);

    cluster.server.remove(forbidden);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> cluster.secret("team-a", "dockerhub-creds") != null);
  }

  @Test
  void aRulesReloadThatRemovesASecretDuringAReconcileEndsWithoutTheCopy() throws Exception {
    var creating = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    // The create waits in the replica's client, as a slow write would.
    Interceptor pause =
        new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            if (request.method().equals("POST")
                && request.uri().getPath().endsWith("/namespaces/team-a/secrets")) {
              creating.countDown();
              awaitLatch(release);
            }
          }
        };
    Replica replica =
        cluster.start(
            "replica-a",
            new KubernetesClientBuilder()
                .withConfig(cluster.admin.getConfiguration())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("pause", pause))
                .build());
    assertThat(creating.await(5, TimeUnit.SECONDS)).as("reconcile under way").isTrue();

    cluster.useRules("delivery/rules-without-dockerhub.yaml");
    replica.reloader().check();
    release.countDown();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                cluster.secret("team-a", "dockerhub-creds") == null
                    && replica.gauge("pending") == 0
                    && replica.gauge("synced") == 0);
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aNamespaceBeingTerminatedIsNotRetriedInALoop() {
    var posts = new java.util.concurrent.atomic.AtomicInteger();
    cluster.server.inject(
        r -> {
          boolean create = method("POST", "/namespaces/team-a/secrets").test(r);
          if (create) {
            posts.incrementAndGet();
          }
          return create;
        },
        403,
        "secrets \\\"dockerhub-creds\\\" is forbidden: unable to create new content in namespace"
            + " team-a because it is being terminated",
        -1);
    Replica replica = cluster.start("replica-a");
    await().until(() -> posts.get() >= 1);

    // The start-up's own events (leadership won, the source's watch synced) may each reconcile the
    // namespace once; a retry loop (back-off from 100 ms, doubling) would post 4 times in 1.5 s.
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> posts.get() <= 2);
    assertThat(replica.registry().get("pullsecret.secret.sync.errors").counter().count()).isZero();
  }

  @Test
  void onlyTheLeaderWritesAndAnotherTakesOverWhenItStops() throws Exception {
    Replica a = cluster.start("replica-a");
    Replica b = cluster.start("replica-b");
    await().atMost(Duration.ofSeconds(5)).until(() -> a.isLeader() || b.isLeader());
    await().during(Duration.ofMillis(600)).until(() -> a.isLeader() != b.isLeader());
    await().until(() -> cluster.secret("team-a", "dockerhub-creds") != null);
    Replica leader = a.isLeader() ? a : b;
    Replica follower = leader == a ? b : a;
    assertThat(follower.registry().get("pullsecret.secret.sync").timer().count())
        .as("the follower wrote nothing")
        .isZero();

    leader.sync().close();

    await().atMost(Duration.ofSeconds(5)).until(follower::isLeader);
    cluster.createNamespace("team-b");
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> cluster.secret("team-b", "dockerhub-creds") != null);
  }

  /**
   * A copy no rule wants whose delete fails (here 409: changed since it was read) is retried, and
   * meanwhile counted in no state: the copies gauge counts wanted copies (it was counted pending,
   * and alerted as stuck).
   */
  @Test
  void aCopyNoRuleWantsWhoseDeleteFailsIsNotCountedPending() {
    Replica replica = cluster.start("replica-a");
    await().until(() -> replica.gauge("synced") == 1);
    var failing =
        cluster.server.inject(
            method("DELETE", "/namespaces/team-a/secrets/dockerhub-creds"), 409, -1);

    cluster.useRules("delivery/rules-without-dockerhub.yaml"); // corp-* only now
    replica.reloader().check();

    await().until(() -> replica.gauge("synced") == 0); // the failed delete's reconcile is counted
    assertThat(replica.gauge("pending")).isZero();
    assertThat(failing.remaining.get()).as("the delete failed").isLessThan(-1);
    assertThat(cluster.secret("team-a", "dockerhub-creds")).as("still there").isNotNull();
  }
}
