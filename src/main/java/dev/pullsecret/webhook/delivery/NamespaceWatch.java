package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.admission.NamespaceLabelSource;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch of every namespace: for delivery (which namespaces exist, which are being deleted) and
 * for admission (the labels rules and the opt-out read, which an AdmissionReview does not carry).
 *
 * <p>Its store keeps only the label keys in use ({@link NamespaceFacts}). When new rules read a key
 * it does not keep, a second watch that keeps it lists every namespace and then replaces the first:
 * until then {@link #covers} is false for that key, so delivery waits and admission reads the
 * namespace itself, rather than either deciding on labels it does not have.
 *
 * <p>Admission reads a namespace the watch does not have (created a moment before its first pod, or
 * a watch still listing) once, within {@code readBudget}. A review's namespace is whatever its
 * sender wrote, so misses are bounded: reads of one name are shared by the reviews that wait on it,
 * at most {@link #MAX_READS} run at once (a miss past that is answered unknown at once), and each
 * answer, a namespace that does not exist included, is remembered for {@link #REMEMBERED} in a map
 * of at most {@link #MAX_REMEMBERED} names. A flood of made-up namespaces costs the API server at
 * most {@code MAX_READS} requests at a time.
 */
final class NamespaceWatch implements NamespaceLabelSource, AutoCloseable {

  static final int MAX_READS = 4;
  static final int MAX_REMEMBERED = 1_000;
  static final Duration REMEMBERED = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(NamespaceWatch.class);

  /** A watch and its store, which keeps the labels of {@code labelKeys}. */
  private record Generation(
      SharedIndexInformer<Namespace> informer,
      ReducedStore<Namespace, NamespaceFacts> store,
      Set<String> labelKeys) {}

  /**
   * A read's answer: the namespace's labels of {@code keys} (only those are kept, whatever the
   * namespace carries), or empty when it does not exist.
   */
  private record Answer(Set<String> keys, Optional<NamespaceLabels> labels, long expiresAt) {

    /** Still fresh, and kept every label {@code asked}. */
    boolean answers(Set<String> asked) {
      return expiresAt - System.nanoTime() > 0 && keys.containsAll(asked);
    }
  }

  private final KubernetesClient client;
  private final long resyncMillis;
  private final Duration readBudget;
  private final Consumer<String> changed;
  private final Runnable replaced;
  private volatile Generation current;

  /** The watch being listed to replace {@link #current}; guarded by this. */
  private Generation next;

  private final Semaphore running = new Semaphore(MAX_READS);

  /** Reads under way and answers remembered, by namespace, least recently asked first. */
  private final SequencedMap<String, CompletableFuture<Answer>> reads =
      new LinkedHashMap<>(16, 0.75f, true);

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Counter cached;
  private final Counter read;
  private final Counter unknown;

  NamespaceWatch(
      KubernetesClient client,
      long resyncMillis,
      Duration readBudget,
      MeterRegistry registry,
      Consumer<String> changed,
      Runnable replaced) {
    this.client = client;
    this.resyncMillis = resyncMillis;
    this.readBudget = readBudget;
    this.cached = counter(registry, "cached");
    this.read = counter(registry, "read");
    this.unknown = counter(registry, "unknown");
    this.changed = changed;
    this.replaced = replaced;
    this.current = generation(Set.of());
  }

  private static Counter counter(MeterRegistry registry, String result) {
    return Counter.builder("pullsecret.namespace.labels")
        .description(
            "Namespace labels asked at admission, by where they came from: cached (the watch),"
                + " read (the API server, on a miss) or unknown (not known in time: the rule was"
                + " chosen by name only)")
        .tag("result", result)
        .register(registry);
  }

  synchronized void start(Set<String> labelKeys) {
    if (!current.labelKeys().equals(labelKeys)) {
      current = generation(labelKeys);
    }
    Informers.start(current.informer(), "namespaces");
  }

  /** Makes sure the labels of {@code labelKeys} are kept: a new watch if they are not. */
  synchronized void keep(Set<String> labelKeys) {
    if (next != null && next.labelKeys().equals(labelKeys)) {
      return;
    }
    closeNext();
    if (current.labelKeys().equals(labelKeys)) {
      return;
    }
    Generation replacement = generation(labelKeys);
    next = replacement;
    log.info("Namespace labels now read: {}; listing namespaces again to keep them", labelKeys);
    Informers.start(replacement.informer(), "namespaces (labels " + labelKeys + ")")
        .thenRun(() -> takeOver(replacement));
  }

  private synchronized void takeOver(Generation replacement) {
    if (next != replacement) {
      return; // replaced in turn before it had listed everything
    }
    Generation old = current;
    current = replacement;
    next = null;
    old.informer().close();
    replaced.run();
  }

  /** Whether the kept labels include every one of {@code labelKeys}, for the current list. */
  boolean covers(Set<String> labelKeys) {
    return current.labelKeys().containsAll(labelKeys);
  }

  boolean hasSynced() {
    return current.informer().hasSynced();
  }

  Optional<NamespaceFacts> facts(String name) {
    return Optional.ofNullable(current.store().kept(name));
  }

  List<NamespaceFacts> all() {
    return current.store().kept().toList();
  }

  @Override
  public NamespaceLabels labels(String namespace, Set<String> keys) {
    Optional<NamespaceFacts> facts = covers(keys) ? facts(namespace) : Optional.empty();
    if (facts.isPresent()) {
      cached.increment();
      return facts.get().labels();
    }
    Answer answer =
        pending(namespace, keys)
            .copy() // shared by the reviews that wait on it: each waits its own budget
            .completeOnTimeout(null, readBudget.toNanos(), TimeUnit.NANOSECONDS)
            .exceptionally(error -> null)
            .join();
    if (answer == null || answer.labels().isEmpty() || !answer.keys().containsAll(keys)) {
      unknown.increment();
      return NamespaceLabels.UNKNOWN;
    }
    read.increment();
    return answer.labels().get();
  }

  /**
   * The read of {@code namespace} under way or remembered, else a new one; no answer when {@link
   * #MAX_READS} are running. A read that failed is not remembered, nor one that kept fewer keys
   * (new rules read another label).
   */
  private synchronized CompletableFuture<Answer> pending(String namespace, Set<String> keys) {
    CompletableFuture<Answer> known = reads.get(namespace);
    if (known != null
        && !(known.isCompletedExceptionally() || (known.isDone() && !known.join().answers(keys)))) {
      return known;
    }
    reads.remove(namespace);
    if (!running.tryAcquire()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Answer> started =
        CompletableFuture.supplyAsync(() -> get(namespace, keys), executor);
    reads.put(namespace, started);
    if (reads.size() > MAX_REMEMBERED) {
      reads.pollFirstEntry();
    }
    started.whenComplete((answer, error) -> running.release());
    return started;
  }

  private Answer get(String namespace, Set<String> keys) {
    Namespace found = client.namespaces().withName(namespace).get();
    Optional<NamespaceLabels> labels =
        Optional.ofNullable(found)
            .map(n -> NamespaceLabels.keeping(n.getMetadata().getLabels(), keys));
    return new Answer(Set.copyOf(keys), labels, System.nanoTime() + REMEMBERED.toNanos());
  }

  private Generation generation(Set<String> labelKeys) {
    SharedIndexInformer<Namespace> informer =
        client.namespaces().withLimit(SyncCaches.LIST_PAGE).runnableInformer(resyncMillis);
    Set<String> keys = Set.copyOf(labelKeys);
    var store =
        new ReducedStore<>(
            Namespace::new, n -> NamespaceFacts.of(n, keys), NamespaceFacts::resourceVersion);
    informer.itemStore(store);
    informer.addEventHandler(
        Informers.onAnyChange(namespace -> changed.accept(namespace.getMetadata().getName())));
    return new Generation(informer, store, keys);
  }

  private void closeNext() {
    if (next != null) {
      next.informer().close();
      next = null;
    }
  }

  @Override
  public synchronized void close() {
    closeNext();
    current.informer().close();
    executor.shutdownNow();
  }
}
