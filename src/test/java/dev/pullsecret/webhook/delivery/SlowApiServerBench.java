package dev.pullsecret.webhook.delivery;

import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.delivery.SyncFixture.Replica;
import dev.pullsecret.webhook.rules.PullSecret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * What admission's question about a copy ("is it missing?") costs while every call to the API
 * server comes {@link #LATE} late: before the caches have synced, and once they have. Against
 * fabric8's mock API server, in-process, as SyncBench. The figure for bench/README.md that a unit
 * test used to assert ({@code < 100 ms}, loosened under load); SyncFaultsTest keeps the behaviour
 * (the answer comes from the caches). Run with {@code bench/sync.sh}; skipped in the normal build.
 */
@EnabledIfSystemProperty(named = "bench.sync", matches = "true")
class SlowApiServerBench {

  private static final Duration LATE = Duration.ofMillis(300);
  private static final int ANSWERS = 10_000;

  @TempDir Path dir;

  @Test
  void answersFromTheCachesWhileTheApiServerIsSlow() throws Exception {
    try (var cluster = SyncFixture.withSource(dir)) {
      cluster.createNamespace("team-a");
      cluster.server.slow(LATE);
      Replica replica = cluster.start("bench");
      var secret = replica.pullSecret("dockerhub-creds");

      long[] unsynced = answers(replica, secret);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.secret("team-a", "dockerhub-creds") != null);
      long[] synced = answers(replica, secret);
      cluster.server.slow(Duration.ZERO);

      print("before the caches synced", unsynced);
      print("after", synced);
    }
  }

  /** The time of each of {@link #ANSWERS} questions in a row, in nanoseconds. */
  private static long[] answers(Replica replica, PullSecret secret) {
    long[] nanos = new long[ANSWERS];
    for (int i = 0; i < ANSWERS; i++) {
      long start = System.nanoTime();
      replica.sync().isMissing("team-a", secret, false);
      nanos[i] = System.nanoTime() - start;
    }
    return nanos;
  }

  private static void print(String when, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "BENCH presence answer with every API call %d ms late, %s (%d answers): p50 %.1f us,"
            + " p99 %.1f us, max %.2f ms%n",
        LATE.toMillis(),
        when,
        sorted.length,
        sorted[sorted.length / 2] / 1_000.0,
        sorted[sorted.length * 99 / 100] / 1_000.0,
        sorted[sorted.length - 1] / 1_000_000.0);
  }
}
