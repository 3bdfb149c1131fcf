package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.delivery.SyncEvents.Reason;
import dev.pullsecret.webhook.delivery.SyncEvents.Regarding;
import dev.pullsecret.webhook.providers.CredentialProviders;
import dev.pullsecret.webhook.providers.PluginFailure;
import dev.pullsecret.webhook.providers.ProviderCredentials;
import dev.pullsecret.webhook.providers.RenewalPolicy;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.RulesStore;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
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
 * <p>A failed renewal leaves the Secret as it is: its credentials are kept until they really expire
 * (and after, since nothing better is there), the failure is told (a {@code
 * CredentialsRenewalFailed} Event on the Secret, once per distinct failure; a log line; {@code
 * pullsecret_provider_runs_total}), and the renewal is retried with the work queue's back-off.
 * Credentials obtained but not yet written (the API server refused the write) are kept in memory
 * and written on the retry, without running the plugin again; so are the last ones written, to
 * restore a Secret deleted or edited before its renewal is due.
 *
 * <p>Every replica exports, from the watched Secret, the seconds its credentials have left and
 * their lifetime ({@code pullsecret_provider_credentials_remaining_seconds} and {@code
 * _lifetime_seconds}, by pull secret): what pods get, whoever leads.
 */
final class ProviderRenewals implements SecretSync.Listener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProviderRenewals.class);

  /**
   * Credentials for a pull secret, and the Secret that holds them, as last written or obtained.
   *
   * @param told whether their renewal has been told (an Event, a log line): once written
   */
  private record Held(Secret secret, GeneratedSecret.State state, boolean told) {}

  private final SyncCaches caches;
  private final RulesStore rules;
  private final String ownNamespace;
  private final CredentialProviders providers;
  private final RenewalPolicy policy;
  private final SecretWrites writes;
  private final SyncEvents events;
  private final SyncMetrics syncMetrics;
  private final MeterRegistry registry;
  private final BooleanSupplier leader;
  private final Clock clock;
  private final WorkQueue<String> queue;
  private final ScheduledExecutorService timers;
  private final Map<String, ScheduledFuture<?>> due = new ConcurrentHashMap<>();
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final Map<String, List<Gauge>> gauges = new HashMap<>();

  ProviderRenewals(
      SyncAssembly sync,
      RulesStore rules,
      String ownNamespace,
      CredentialProviders providers,
      RenewalPolicy policy,
      Duration retryBaseDelay,
      Duration retryMaxDelay,
      SecretWrites writes,
      MeterRegistry registry,
      Clock clock) {
    this.caches = sync.sync().caches();
    this.rules = rules;
    this.ownNamespace = ownNamespace;
    this.providers = providers;
    this.policy = policy;
    this.writes = writes;
    this.events = sync.events();
    this.syncMetrics = sync.metrics();
    this.registry = registry;
    this.leader = sync.sync()::isLeader;
    this.clock = clock;
    // Two workers: a plugin that hangs until its time-out holds up one, not the others' renewals.
    this.queue =
        new WorkQueue<>("credential-renewal", 2, retryBaseDelay, retryMaxDelay, this::renew);
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("credential-renewal-timers").unstarted(r));
  }

  /** Starts listening to the sync loop, and looks at every pull secret with a provider. */
  ProviderRenewals start(SecretSync sync) {
    sync.listen(this);
    everything();
    return this;
  }

  @Override
  public void everything() {
    List<PullSecret> current = withProvider();
    updateGauges(current);
    current.forEach(secret -> queue.add(secret.name()));
  }

  @Override
  public void sourceChanged(SecretSource source) {
    withProvider().stream()
        .filter(secret -> secret.source().equals(source))
        .forEach(secret -> queue.add(secret.name()));
  }

  /** The pull secrets with a provider in the rules in force, sources resolved. */
  private List<PullSecret> withProvider() {
    return rules.get().rules().pullSecrets().stream()
        .filter(PullSecret::hasProvider)
        .map(secret -> secret.inNamespace(ownNamespace))
        .toList();
  }

  /** One look at one pull secret: true when done (until its timer or a change), false to retry. */
  private boolean renew(String name) {
    if (!leader.getAsBoolean()) {
      return true; // whoever leads does it; on leading, everything is looked at again
    }
    if (!caches.hasSynced()) {
      return false; // the watch of the generated Secret is not in yet
    }
    Optional<PullSecret> found =
        withProvider().stream().filter(secret -> secret.name().equals(name)).findFirst();
    if (found.isEmpty()) {
      forget(name); // out of the rules: its Secret stays, as copies do
      return true;
    }
    PullSecret secret = found.get();
    Regarding regarding = regarding(secret);
    Optional<Secret> current = caches.source(secret.source());
    if (current.isPresent() && !CopyMarks.isOurs(current.get())) {
      events.warning(
          regarding,
          Reason.CredentialsRenewalFailed,
          "a Secret named "
              + secret.source().name()
              + " exists and was not made by pullsecret-webhook, so the credentials of pull"
              + " secret "
              + name
              + " are not written there; delete it or rename the pull secret");
      return true; // told; its change enqueues it again
    }
    Instant now = clock.instant();
    Optional<GeneratedSecret.State> state = current.flatMap(GeneratedSecret::state);
    if (state.isPresent() && state.get().asks(secret) && now.isBefore(state.get().renewAt())) {
      held.put(name, new Held(GeneratedSecret.content(current.get()), state.get(), true));
      schedule(name, state.get().renewAt());
      return true;
    }
    Held kept = held.get(name);
    boolean renewing =
        kept == null || !kept.state().asks(secret) || !now.isBefore(kept.state().renewAt());
    if (renewing) {
      try {
        kept = obtain(secret);
      } catch (PluginFailure failure) {
        failed(secret, regarding, state, failure);
        return false;
      }
      held.put(name, kept);
    }
    if (!write(kept.secret(), current)) {
      return false; // what was obtained is held: the retry writes it without running the plugin
    }
    if (!kept.told()) {
      renewed(secret, regarding, kept.state());
      held.put(name, new Held(kept.secret(), kept.state(), true));
    } else {
      log.info("Restored {}/{} from the credentials held", ownNamespace, secret.source().name());
    }
    schedule(name, kept.state().renewAt());
    return true;
  }

  private Held obtain(PullSecret secret) throws PluginFailure {
    ProviderCredentials credentials = providers.obtain(secret.provider(), secret.registries());
    Instant renewAt = policy.renewAt(credentials, ThreadLocalRandom.current());
    Secret generated = GeneratedSecret.of(secret, credentials, renewAt);
    return new Held(generated, GeneratedSecret.state(generated).orElseThrow(), false);
  }

  /** Creates the Secret, or updates it from the version read; false to retry. */
  private boolean write(Secret desired, Optional<Secret> current) {
    Secret secret = GeneratedSecret.content(desired);
    try {
      if (current.isEmpty()) {
        writes.create(secret);
      } else {
        secret.getMetadata().setResourceVersion(current.get().getMetadata().getResourceVersion());
        writes.update(secret);
      }
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409 && e.getCode() != 404) {
        syncMetrics.apiError();
        log.warn(
            "Could not write {}/{} (HTTP {}): {}",
            ownNamespace,
            desired.getMetadata().getName(),
            e.getCode(),
            e.getMessage());
      }
      return false; // changed or gone since read: the watch catches up, and the retry writes
    }
  }

  private void renewed(PullSecret secret, Regarding regarding, GeneratedSecret.State state) {
    events.forget(regarding, Reason.CredentialsRenewalFailed);
    String note =
        "credentials of pull secret "
            + secret.name()
            + " from provider "
            + secret.provider()
            + " for "
            + String.join(", ", secret.registries().stream().map(Object::toString).toList())
            + ": "
            + expiry(state)
            + "; next renewal at "
            + state.renewAt();
    events.normal(regarding, Reason.CredentialsRenewed, note);
    log.info("Renewed {}/{}: {}", ownNamespace, secret.source().name(), note);
  }

  private void failed(
      PullSecret secret,
      Regarding regarding,
      Optional<GeneratedSecret.State> state,
      PluginFailure failure) {
    String kept =
        state
            .map(
                s ->
                    s.expiresAt() == null
                        ? "the credentials in this Secret, of unknown lifetime, are kept"
                        : s.expiresAt().isAfter(clock.instant())
                            ? "the credentials in this Secret are kept until they expire at "
                                + s.expiresAt()
                            : "the credentials in this Secret expired at "
                                + s.expiresAt()
                                + " and are kept, for want of better")
            .orElse("there are no credentials yet, so no copy of pull secret " + secret.name());
    String note =
        "renewing pull secret "
            + secret.name()
            + " failed ("
            + failure.kind().label()
            + "): "
            + failure.getMessage()
            + "; "
            + kept
            + "; retrying with back-off";
    events.warning(regarding, Reason.CredentialsRenewalFailed, note);
    log.warn("Credentials of {} not renewed: {}", secret.name(), note);
  }

  private static String expiry(GeneratedSecret.State state) {
    return state.expiresAt() == null
        ? "the plugin said they are not to be kept, so their expiry is unknown"
        : "they expire at "
            + state.expiresAt()
            + " (after "
            + Duration.between(state.obtainedAt(), state.expiresAt())
            + ")";
  }

  private Regarding regarding(PullSecret secret) {
    return new Regarding("Secret", secret.source().namespace(), secret.source().name());
  }

  /** Looks at {@code name} again at {@code at}, in place of any earlier timer of it. */
  private void schedule(String name, Instant at) {
    if (timers.isShutdown()) {
      return;
    }
    long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
    ScheduledFuture<?> previous =
        due.put(name, timers.schedule(() -> queue.add(name), delay, TimeUnit.MILLISECONDS));
    if (previous != null) {
      previous.cancel(false);
    }
  }

  private void forget(String name) {
    held.remove(name);
    ScheduledFuture<?> timer = due.remove(name);
    if (timer != null) {
      timer.cancel(false);
    }
  }

  /**
   * One gauge of each kind per pull secret with a provider, read from the watched Secret at each
   * scrape; pull secrets gone from the rules take theirs with them.
   */
  private synchronized void updateGauges(List<PullSecret> current) {
    Set<String> names = current.stream().map(PullSecret::name).collect(Collectors.toSet());
    gauges
        .entrySet()
        .removeIf(
            entry -> {
              if (names.contains(entry.getKey())) {
                return false;
              }
              entry.getValue().forEach(registry::remove);
              return true;
            });
    for (PullSecret secret : current) {
      gauges.computeIfAbsent(
          secret.name(),
          name ->
              List.of(
                  Gauge.builder(
                          "pullsecret.provider.credentials.remaining",
                          this,
                          renewals -> renewals.remaining(secret.source()))
                      .description(
                          "Seconds until the credentials from a provider expire (negative once"
                              + " expired; NaN when not known)")
                      .baseUnit("seconds")
                      .tag("pull_secret", name)
                      .register(registry),
                  Gauge.builder(
                          "pullsecret.provider.credentials.lifetime",
                          this,
                          renewals -> renewals.lifetime(secret.source()))
                      .description("How long the credentials from a provider last, all in all")
                      .baseUnit("seconds")
                      .tag("pull_secret", name)
                      .register(registry)));
    }
  }

  private double remaining(SecretSource source) {
    return caches
        .source(source)
        .flatMap(GeneratedSecret::state)
        .filter(state -> state.expiresAt() != null)
        .map(state -> Duration.between(clock.instant(), state.expiresAt()).toMillis() / 1000.0)
        .orElse(Double.NaN);
  }

  private double lifetime(SecretSource source) {
    return caches
        .source(source)
        .flatMap(GeneratedSecret::state)
        .filter(state -> state.expiresAt() != null)
        .map(state -> Duration.between(state.obtainedAt(), state.expiresAt()).toMillis() / 1000.0)
        .orElse(Double.NaN);
  }

  @Override
  public void close() {
    timers.shutdownNow();
    queue.close();
  }
}
