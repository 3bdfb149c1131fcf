package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync loop's plumbing: informers say which namespace to look at, a work queue hands it to a
 * worker, the leader reconciles it. Informer callbacks only enqueue keys; they never call the API
 * server. Every replica watches (so that admission can answer from the cache); only the leader
 * writes.
 */
final class SecretSync implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SecretSync.class);

  private final SyncCaches caches;
  private final DesiredCopies desired;
  private final Leadership leadership;
  private final SourceReporter reporter;
  private final WorkQueue<String> queue;
  private final WorkQueue<SecretSource> sourceQueue;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  /**
   * A part that plugs into the loop (credential providers' renewals): told what the loop's own
   * queues are told, from the informers' and the leadership's threads, so it must only enqueue.
   */
  interface Listener {
    /** Look at everything again: on leading, on new rules, on the informers' resync. */
    void everything();

    /** A watched source was created, changed or deleted. */
    void sourceChanged(SecretSource source);
  }

  SecretSync(
      KubernetesClient client,
      SyncProperties settings,
      Leadership leadership,
      SourceReporter reporter,
      NamespaceReconciler reconciler) {
    this.desired = reconciler.desired();
    this.leadership = leadership;
    this.reporter = reporter;
    this.caches =
        new SyncCaches(
            client,
            settings.resync().toMillis(),
            new SyncCaches.Listeners(
                this::namespaceChanged,
                this::sourceChanged,
                this::enqueueAll,
                this::copyAccessChanged));
    this.queue =
        new WorkQueue<>(
            "secret-sync",
            settings.workers(),
            settings.retryBaseDelay(),
            settings.retryMaxDelay(),
            ns ->
                !leadership.isLeader() || (caches.hasSynced() && reconciler.reconcile(caches, ns)));
    this.sourceQueue =
        new WorkQueue<>(
            "source-check",
            1,
            settings.retryBaseDelay(),
            settings.retryMaxDelay(),
            this::reportSource);
  }

  SecretSync start() {
    Rules current = desired.rules();
    caches.start(sources(current), copyNames(current), desired.labelKeys(current));
    desired.store().subscribe(this::rulesChanged);
    leadership.start(this::enqueueAll);
    log.info(
        "Secret sync started: watching namespaces, copies and {} source(s); Lease candidate {}",
        sources(current).size(),
        leadership.identity());
    return this;
  }

  SyncCaches caches() {
    return caches;
  }

  DesiredCopies desired() {
    return desired;
  }

  /** Tells {@code listener} from now on what the loop is told. */
  void listen(Listener listener) {
    listeners.add(listener);
  }

  boolean isLeader() {
    return leadership.isLeader();
  }

  private void namespaceChanged(String namespace) {
    queue.add(namespace);
  }

  /** A source changed: every namespace that copies it, and a check of it. */
  private void sourceChanged(SecretSource source) {
    sourceQueue.add(source);
    listeners.forEach(listener -> listener.sourceChanged(source));
    Rules current = desired.rules();
    for (String namespace : caches.namespaceNames()) {
      caches
          .namespace(namespace)
          .filter(
              facts -> desired.in(current, facts).stream().anyMatch(s -> s.source().equals(source)))
          .ifPresent(facts -> queue.add(namespace));
    }
  }

  private void rulesChanged(LoadedRules loaded) {
    caches.keepLabels(desired.labelKeys(loaded.rules()));
    Set<SecretSource> sources = sources(loaded.rules());
    caches.watch(sources, copyNames(loaded.rules()));
    sources.forEach(sourceQueue::add);
    enqueueAll();
  }

  /**
   * On leading, on new rules, when the namespace watch was replaced to keep other labels, and
   * (through the informers' resync) periodically.
   */
  private void enqueueAll() {
    caches.namespaceNames().forEach(queue::add);
    sources(desired.rules()).forEach(sourceQueue::add);
    listeners.forEach(Listener::everything);
  }

  private boolean reportSource(SecretSource source) {
    if (!leadership.isLeader()) {
      return true;
    }
    if (!caches.hasSynced()) {
      return false;
    }
    List<PullSecret> users =
        desired.delivered(desired.rules()).stream().filter(s -> s.source().equals(source)).toList();
    if (!users.isEmpty()) {
      reporter.report(source, caches.source(source), users, caches::forbidden);
    }
    return true;
  }

  /**
   * The webhook became allowed or forbidden to watch copies of {@code name} (its RBAC): its sources
   * are reported again (an Event says what to fix) and every namespace is planned again.
   */
  private void copyAccessChanged(String name) {
    desired.delivered(desired.rules()).stream()
        .filter(s -> s.name().equals(name))
        .forEach(s -> sourceQueue.add(s.source()));
    enqueueAll();
  }

  /** The names of the copies {@code current} delivers: one watch each. */
  private Set<String> copyNames(Rules current) {
    return desired.delivered(current).stream().map(PullSecret::name).collect(Collectors.toSet());
  }

  private Set<SecretSource> sources(Rules current) {
    return desired.delivered(current).stream().map(PullSecret::source).collect(Collectors.toSet());
  }

  @Override
  public void close() {
    leadership.close();
    queue.close();
    sourceQueue.close();
    caches.close();
  }
}
