package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.admission.NamespaceLabelSource;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Namespace labels for admission: from the namespace watch's cache, with no call to the API server;
 * on a miss (a namespace created a moment before its first pod, or a watch still listing) the
 * namespace is read once, within {@code budget}.
 *
 * <p>A review's namespace is whatever its sender wrote, so misses are bounded: reads of one name
 * are shared by the reviews that wait on it, at most {@link #MAX_READS} run at once (a miss past
 * that is answered unknown at once), and each answer, a namespace that does not exist included, is
 * remembered for {@link #REMEMBERED} in a map of at most {@link #MAX_REMEMBERED} names. A flood of
 * made-up namespaces costs the API server at most {@code MAX_READS} requests at a time.
 */
final class ClusterNamespaceLabels implements NamespaceLabelSource, AutoCloseable {

  static final int MAX_READS = 4;
  static final int MAX_REMEMBERED = 1_000;
  static final Duration REMEMBERED = Duration.ofSeconds(5);

  /**
   * A read's answer: the namespace's labels of {@code keys} (only those are kept, whatever the
   * namespace carries), or empty when it does not exist.
   */
  private record Answer(Set<String> keys, Optional<NamespaceLabels> labels, long expiresAt) {}

  private final NamespaceWatch namespaces;
  private final KubernetesClient client;
  private final Duration budget;
  private final Semaphore running = new Semaphore(MAX_READS);

  /** Reads under way and answers remembered, by namespace, least recently asked first. */
  private final SequencedMap<String, CompletableFuture<Answer>> reads =
      new LinkedHashMap<>(16, 0.75f, true);

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Counter cached;
  private final Counter read;
  private final Counter unknown;

  ClusterNamespaceLabels(
      NamespaceWatch namespaces, KubernetesClient client, Duration budget, MeterRegistry registry) {
    this.namespaces = namespaces;
    this.client = client;
    this.budget = budget;
    this.cached = counter(registry, "cached");
    this.read = counter(registry, "read");
    this.unknown = counter(registry, "unknown");
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

  @Override
  public NamespaceLabels labels(String namespace, Set<String> keys) {
    if (namespaces.covers(keys)) {
      Optional<NamespaceFacts> facts = namespaces.facts(namespace);
      if (facts.isPresent()) {
        cached.increment();
        return facts.get().labels();
      }
    }
    CompletableFuture<Answer> pending = pending(namespace, keys);
    Answer answer =
        pending == null // MAX_READS already running
            ? null
            : pending
                .copy() // shared by the reviews that wait on it: each waits its own budget
                .completeOnTimeout(null, budget.toNanos(), TimeUnit.NANOSECONDS)
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
   * The read of {@code namespace} under way or remembered, else a new one; null when {@link
   * #MAX_READS} are running. A read that failed is not remembered.
   */
  private synchronized CompletableFuture<Answer> pending(String namespace, Set<String> keys) {
    CompletableFuture<Answer> known = reads.get(namespace);
    if (known != null
        && !(known.isCompletedExceptionally()
            || (known.isDone() && known.join().expiresAt() - System.nanoTime() < 0))) {
      return known;
    }
    reads.remove(namespace);
    if (!running.tryAcquire()) {
      return null;
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

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
