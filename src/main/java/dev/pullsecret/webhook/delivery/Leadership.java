package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects the one replica that writes, on a Lease, so that two replicas never fight over a copy.
 * Every replica keeps serving admission and keeps its caches warm; on losing the Lease a replica
 * stops writing at once and stands again as a candidate.
 */
final class Leadership implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  private final KubernetesClient client;
  private final SyncProperties settings;
  private final String identity;
  private volatile boolean leader;
  private volatile boolean closed;
  private volatile CompletableFuture<?> running;

  Leadership(KubernetesClient client, SyncProperties settings) {
    this.client = client;
    this.settings = settings;
    String host = System.getenv("HOSTNAME");
    this.identity =
        !settings.identity().isBlank()
            ? settings.identity()
            : host != null && !host.isBlank() ? host : "pullsecret-webhook-" + UUID.randomUUID();
  }

  boolean isLeader() {
    return leader;
  }

  /** This replica's name in the Lease and its Events: the setting, else the pod's name. */
  String identity() {
    return identity;
  }

  /** Stands for election until closed; {@code onStart} runs each time this replica leads. */
  void start(Runnable onStart) {
    if (closed) {
      return;
    }
    var config =
        new LeaderElectionConfigBuilder()
            .withName(settings.leaseName())
            .withLock(new LeaseLock(settings.namespace(), settings.leaseName(), identity))
            .withLeaseDuration(settings.leaseDuration())
            .withRenewDeadline(settings.renewDeadline())
            .withRetryPeriod(settings.retryPeriod())
            .withReleaseOnCancel(true)
            .withLeaderCallbacks(
                new LeaderCallbacks(
                    () -> {
                      log.info("{} leads the sync loop (Lease {})", identity, settings.leaseName());
                      leader = true;
                      onStart.run();
                    },
                    () -> {
                      leader = false;
                      log.info("{} stopped leading the sync loop", identity);
                    },
                    newLeader -> log.info("Sync loop leader: {}", newLeader)))
            .build();
    running = client.leaderElector().withConfig(config).build().start();
    running.whenComplete(
        (ignored, error) -> {
          leader = false;
          if (!closed) {
            // Lost the Lease or failed: stand again after a pause, never in a tight loop.
            CompletableFuture.delayedExecutor(
                    settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> start(onStart));
          }
        });
  }

  @Override
  public void close() {
    closed = true;
    leader = false;
    if (running != null) {
      running.cancel(true);
    }
  }
}
