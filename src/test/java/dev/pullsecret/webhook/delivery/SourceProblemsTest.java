package dev.pullsecret.webhook.delivery;

import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.delivery.SyncFixture.Replica;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pullsecret_secret_source_problems} counts the sources of the rules in force, on whichever
 * replica leads: the alert reads the max across replicas.
 */
class SourceProblemsTest {

  @TempDir Path dir;
  @AutoClose SyncFixture cluster;

  @BeforeEach
  void startCluster() {
    cluster = SyncFixture.withSource(dir);
    cluster.createNamespace("corp-a");
  }

  /**
   * Rules that drop a source while this replica follows (its check of the source is then skipped,
   * as a follower checks nothing) leave it counted nowhere once the replica leads again: leading
   * looks again at every source it counted, not only at those the rules copy from.
   */
  @Test
  void aSourceDroppedWhileFollowingIsNoLongerCountedOnceLeadingAgain() {
    Replica a = cluster.start("replica-a");
    await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
    await().until(() -> a.sourceProblems() == 1); // corp-creds: its source does not exist
    Replica b = cluster.start("replica-b");
    await() // b takes the Lease, as if a had missed its renewals (a conflicts with a's renewals)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                cluster
                    .admin
                    .leases()
                    .inNamespace(SyncFixture.OWN)
                    .withName("pullsecret-webhook-sync")
                    .edit(
                        lease -> {
                          lease.getSpec().setHolderIdentity("replica-b");
                          lease.getSpec().setRenewTime(ZonedDateTime.now());
                          return lease;
                        }));
    await().atMost(Duration.ofSeconds(5)).until(() -> !a.isLeader() && b.isLeader());

    cluster.useRules("delivery/rules-delivering-nothing.yaml");
    a.reloader().check(); // followed: its check of corp-source is skipped
    await().during(Duration.ofMillis(500)).until(() -> !a.isLeader());
    b.sync().close();

    await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
    await().atMost(Duration.ofSeconds(3)).until(() -> a.sourceProblems() == 0);
  }
}
