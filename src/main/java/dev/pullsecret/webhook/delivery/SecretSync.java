package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.admission.NamespaceLabelSource;
import dev.pullsecret.webhook.admission.SecretPresence;
import dev.pullsecret.webhook.registry.RegistryCredentials;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesStore;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync loop, assembled from its parts: informers say which namespace to look at, a work queue
 * hands it to a worker, the leader reconciles it. Informer callbacks only enqueue keys; they never
 * call the API server. Every replica watches (so that admission can answer from the cache); only
 * the leader writes.
 */
public final class SecretSync implements SecretPresence, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SecretSync.class);

  private final SyncMetrics metrics;
  private final SyncEvents events;
  private final Leadership leadership;
  private final DesiredCopies desired;
  private final SyncCaches caches;
  private final WorkQueue<String> queue;
  private final WorkQueue<SecretSource> sourceQueue;

  /**
   * The credential providers' renewals, once started: told what the loop's own queues are told
   * ({@link #enqueueAll}, {@link #sourceChanged}), from the informers' and the leadership's
   * threads, so they must only enqueue.
   */
  private volatile ProviderRenewals renewals;

  SecretSync(
      KubernetesClient client,
      RulesStore rules,
      NamespaceScope scope,
      SyncProperties settings,
      MeterRegistry registry,
      Clock clock) {
    this.metrics = new SyncMetrics(registry);
    this.leadership = new Leadership(client, settings);
    this.events = new SyncEvents(client, leadership.identity(), clock);
    this.desired = new DesiredCopies(rules, scope, settings.namespace());
    this.caches =
        new SyncCaches(
            client,
            settings,
            registry,
            this::namespaceChanged,
            this::sourceChanged,
            this::enqueueAll);
    var reconciler = new Reconciler(desired, caches, client, events, metrics);
    this.queue =
        new WorkQueue<>(
            "secret-sync",
            settings.workers(),
            settings.retryBaseDelay(),
            settings.retryMaxDelay(),
            leading(reconciler::reconcile));
    this.sourceQueue =
        new WorkQueue<>(
            "source-check",
            1,
            settings.retryBaseDelay(),
            settings.retryMaxDelay(),
            leading(reconciler::report));
  }

  /** Watches what the rules in force deliver, then stands for the Lease. */
  SecretSync start() {
    LoadedRules current = desired.store().get();
    caches.namespaces().start(desired.scope().labelKeys(current.rules()));
    rulesChanged(current);
    desired.store().subscribe(this::rulesChanged);
    leadership.start(this::enqueueAll);
    log.info(
        "Secret sync started: watching namespaces, copies and {} source(s); Lease candidate {}",
        delivered(current.rules(), PullSecret::source).size(),
        leadership.identity());
    return this;
  }

  public boolean isLeader() {
    return leadership.isLeader();
  }

  /** Whether our copy {@code name} is in {@code namespace}, as the watches last saw. */
  public boolean hasCopy(String namespace, String name) {
    return caches.hasCopy(namespace, name);
  }

  /**
   * Admission's answer from the copies cache, which must have synced: no copy of ours, and no
   * Secret of that name that is not ours (a conflict: something is there, just not from us).
   */
  @Override
  public boolean isMissing(String namespace, PullSecret secret, boolean dryRun) {
    if (!secret.isDelivered()
        || DesiredCopies.isSource(
            secret.source().in(desired.ownNamespace()), namespace, secret.name())
        || !caches.copiesSynced()
        || caches.hasCopy(namespace, secret.name())
        || metrics.isConflict(namespace, secret.name())) {
      return false;
    }
    if (!dryRun) {
      metrics.missingAtAdmission(secret.name());
    }
    return true;
  }

  /** Admission's and recovery's view of namespace labels: the watch's, read once on a miss. */
  public NamespaceLabelSource labels() {
    return caches.namespaces();
  }

  /**
   * Credentials for digest lookups (docs/digests.md): a delivered pull secret's content, as its
   * source's watch last saw it (no API call on the admission path); others' lookups are anonymous.
   */
  public RegistryCredentials credentials() {
    return RegistryCredentials.fromPullSecrets(
        name -> desired.delivered(name).flatMap(secret -> caches.content(secret.source())));
  }

  public SyncEvents events() {
    return events;
  }

  SyncMetrics metrics() {
    return metrics;
  }

  SyncCaches caches() {
    return caches;
  }

  DesiredCopies desired() {
    return desired;
  }

  void listen(ProviderRenewals renewals) {
    this.renewals = renewals;
  }

  private void namespaceChanged(String namespace) {
    queue.add(namespace);
  }

  /** A source changed: every namespace that copies it, and a check of it. */
  private void sourceChanged(SecretSource source) {
    sourceQueue.add(source);
    Optional.ofNullable(renewals).ifPresent(r -> r.sourceChanged(source));
    Rules current = desired.rules();
    for (NamespaceFacts facts : caches.namespaces().all()) {
      if (desired.in(current, facts).stream().anyMatch(s -> s.source().equals(source))) {
        queue.add(facts.name());
      }
    }
  }

  private void rulesChanged(LoadedRules loaded) {
    caches.namespaces().keep(desired.scope().labelKeys(loaded.rules()));
    caches.watch(
        delivered(loaded.rules(), PullSecret::source), delivered(loaded.rules(), PullSecret::name));
    enqueueAll();
  }

  /**
   * On leading, on new rules, when the caches ask ({@link SyncCaches}: their sources' Events say
   * what to fix), and (through the informers' resync) periodically. The sources counted so far are
   * checked again too: one no rule copies from any more leaves the count, even if the rules dropped
   * it while another replica led (a follower checks nothing).
   */
  private void enqueueAll() {
    caches.namespaces().all().forEach(facts -> queue.add(facts.name()));
    delivered(desired.rules(), PullSecret::source).forEach(sourceQueue::add);
    metrics.checkedSources().forEach(sourceQueue::add);
    Optional.ofNullable(renewals).ifPresent(ProviderRenewals::everything);
  }

  /**
   * A work queue's {@code handler} as only the leader runs it, once the caches have listed: a key
   * is done on other replicas (on leading, everything is looked at again), and retried before.
   */
  <K> Predicate<K> leading(Predicate<K> handler) {
    return key -> !leadership.isLeader() || (caches.hasSynced() && handler.test(key));
  }

  /** What the pull secrets {@code current} delivers have in {@code part}: one watch each. */
  private <T> Set<T> delivered(Rules current, Function<PullSecret, T> part) {
    return desired.delivered(current).stream().map(part).collect(Collectors.toSet());
  }

  @Override
  public void close() {
    leadership.close();
    queue.close();
    sourceQueue.close();
    caches.close();
  }
}
