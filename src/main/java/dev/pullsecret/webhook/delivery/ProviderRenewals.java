package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.providers.CredentialProviderProperties;
import dev.pullsecret.webhook.providers.CredentialProviders;
import dev.pullsecret.webhook.providers.PluginFailure;
import dev.pullsecret.webhook.providers.ProviderCredentials;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Secret generated for each pull secret with a provider ({@link GeneratedSecret}) filled
 * with credentials that have not expired: the leader runs the provider's plugin when the Secret is
 * missing, due for renewal, made for other registries, or edited by hand; writes the answer; and
 * sets a timer for the next renewal. The sync loop watches the generated Secret as the source of
 * the pull secret, so it copies it into the namespaces like any other, and digest lookups read it
 * from that watch: no plugin ever runs on the admission path.
 *
 * <p>A failed renewal leaves the Secret as it is (its credentials are kept, expired or not, for
 * want of better), is told ({@link RenewalReports}; {@code pullsecret_provider_runs_total}) and is
 * retried with the work queue's back-off. Credentials obtained but not yet written (the API server
 * refused the write) are held and written on the retry, without running the plugin again; so are
 * the last ones written, to restore a Secret deleted or edited before its renewal is due.
 */
final class ProviderRenewals implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProviderRenewals.class);

  /** The most plugins run at once, each of its own provider (a config names one per cloud). */
  static final int MAX_RUNNING = 16;

  /**
   * Credentials for a pull secret and their Secret, as last written or obtained; {@code told} once
   * their renewal is told (an Event, a log line); {@code nanos}: when obtained here, else null.
   */
  private record Held(Secret secret, GeneratedSecret.State state, boolean told, Long nanos) {}

  private final SecretSync sync;
  private final SyncCaches caches;
  private final DesiredCopies desired;
  private final CredentialProviders providers;
  private final CredentialProviderProperties settings;
  private final KubernetesClient client;
  private final Clock clock;
  private final WorkQueue<String> queue;

  /** When each pull secret is next looked at: a timer finding another time here does nothing. */
  private final Map<String, Instant> due = new ConcurrentHashMap<>();

  /** The renewal times whose timer went off: due, even if the clock was set back since. */
  private final Map<String, Instant> wentOff = new ConcurrentHashMap<>();

  private final Map<String, Held> held = new ConcurrentHashMap<>();

  /** The providers whose plugin runs, each with the pull secrets to look at again once done. */
  private final Map<String, Set<String>> running = new HashMap<>();

  private final RenewalReports reports;

  ProviderRenewals(
      SecretSync sync,
      CredentialProviders providers,
      CredentialProviderProperties settings,
      KubernetesClient client,
      MeterRegistry registry,
      Clock clock) {
    this.sync = sync;
    this.caches = sync.caches();
    this.desired = sync.desired();
    this.providers = providers;
    this.settings = settings;
    this.client = client;
    this.reports = new RenewalReports(sync.events(), registry, caches::source, clock);
    this.clock = clock;
    // A worker per provider and one more: a plugin that hangs until its time-out holds up one, not
    // the other providers' renewals (a pull secret whose provider is busy does not wait: claim).
    this.queue =
        new WorkQueue<>(
            "credential-renewal",
            Math.min(providers.size(), MAX_RUNNING) + 1,
            settings.retryBaseDelay(),
            settings.retryMaxDelay(),
            sync.leading(this::renew));
  }

  /** Starts listening to the sync loop, and looks at every pull secret with a provider. */
  ProviderRenewals start() {
    sync.listen(this);
    everything();
    return this;
  }

  void everything() {
    List<PullSecret> current = withProvider();
    reports.follow(current);
    current.forEach(secret -> queue.add(secret.name()));
  }

  void sourceChanged(SecretSource source) {
    withProvider().stream()
        .filter(secret -> secret.source().equals(source))
        .forEach(secret -> queue.add(secret.name()));
  }

  /** The pull secrets with a provider in the rules in force, sources resolved. */
  private List<PullSecret> withProvider() {
    return desired.delivered(desired.rules()).stream().filter(PullSecret::hasProvider).toList();
  }

  /**
   * One look at one pull secret, by the leader once the watch of its generated Secret is in: true
   * when done (until its timer or a change), false to retry.
   */
  private boolean renew(String name) {
    Optional<PullSecret> found = desired.delivered(name).filter(PullSecret::hasProvider);
    if (found.isEmpty()) { // out of the rules: its Secret stays, as copies do
      held.remove(name);
      due.remove(name);
      wentOff.remove(name);
      return true;
    }
    PullSecret secret = found.get();
    Optional<Secret> current = caches.source(secret.source());
    if (current.isPresent() && !CopyMarks.isOurs(current.get())) {
      reports.notOurs(secret);
      return true; // told; its change enqueues it again
    }
    Instant now = clock.instant();
    Optional<GeneratedSecret.State> state = current.flatMap(GeneratedSecret::state);
    if (state.isPresent() && serves(state.get(), secret, now) && !edited(name, current.get())) {
      Held read = new Held(GeneratedSecret.content(current.get()), state.get(), true, null);
      held.put(name, read);
      schedule(name, read);
      return true;
    }
    Held kept = held.get(name);
    if (kept == null || !serves(kept.state(), secret, now)) {
      if (!claim(secret.provider(), name)) {
        return false; // looked at once the plugin is done; its back-off is kept, not reset
      }
      try {
        kept = obtain(secret);
      } catch (PluginFailure failure) {
        reports.failed(secret, state, failure);
        return false;
      } finally {
        release(secret.provider());
      }
      wentOff.remove(name);
      held.put(name, kept);
    }
    if (!GeneratedSecret.write(client, kept.secret(), current, sync.metrics()::apiError)) {
      return false;
    }
    if (!kept.told()) {
      reports.renewed(secret, kept.state());
      held.put(name, new Held(kept.secret(), kept.state(), true, kept.nanos()));
    } else {
      log.info("Restored {} from the credentials held", secret.source());
    }
    schedule(name, kept);
    return true;
  }

  /** Whether {@code current} has the credentials held with other marks (its renew-at edited). */
  private boolean edited(String name, Secret current) {
    Held last = held.get(name);
    return last != null
        && !last.state().equals(GeneratedSecret.state(current).orElse(null))
        && CopyMarks.contentHash(last.secret()).equals(CopyMarks.contentHash(current));
  }

  private boolean serves(GeneratedSecret.State state, PullSecret secret, Instant now) {
    Instant off = wentOff.get(secret.name());
    return state.serves(secret, now) && (off == null || state.renewAt().isAfter(off));
  }

  /** Whether {@code provider}'s plugin is ours to run; if not, {@code name} waits for it. */
  private boolean claim(String provider, String name) {
    synchronized (running) {
      Set<String> waiting = running.get(provider);
      if (waiting != null) {
        waiting.add(name);
        return false;
      }
      running.put(provider, new LinkedHashSet<>());
      return true;
    }
  }

  private void release(String provider) {
    synchronized (running) { // the queue's lock is never held while taking this one
      running.remove(provider).forEach(queue::add);
    }
  }

  private Held obtain(PullSecret secret) throws PluginFailure {
    long nanos = System.nanoTime();
    ProviderCredentials credentials = providers.obtain(secret.provider(), secret.registries());
    Instant renewAt = settings.renewAt(credentials, clock.instant(), ThreadLocalRandom.current());
    Secret generated = GeneratedSecret.of(secret, credentials, renewAt);
    return new Held(generated, GeneratedSecret.state(generated).orElseThrow(), false, nanos);
  }

  /**
   * Looks at {@code name} again when {@code kept} is due, in place of any earlier timer of it: by
   * the time elapsed since they were obtained, when they were here (the clock may be set back).
   */
  private void schedule(String name, Held kept) {
    Instant at = kept.state().renewAt();
    if (!at.equals(due.put(name, at))) {
      Duration left =
          kept.nanos() == null
              ? Duration.between(clock.instant(), at)
              : Duration.between(kept.state().obtainedAt(), at)
                  .minusNanos(System.nanoTime() - kept.nanos());
      long delay = Math.max(0, left.toMillis());
      CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)
          .execute(
              () -> {
                if (due.remove(name, at)) {
                  wentOff.put(name, at);
                  queue.add(name); // nothing once closed
                }
              });
    }
  }

  @Override
  public void close() {
    queue.close();
  }
}
