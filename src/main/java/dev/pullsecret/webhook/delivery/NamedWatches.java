package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches of Secrets opened one name at a time ({@link SyncCaches}: our copies, cluster-wide, and
 * the sources), started and stopped as the rules change. Watching by name (a {@code metadata.name}
 * field selector) is what RBAC can grant by name ({@code resourceNames} allows list and watch only
 * with that field selector), so the webhook needs no right on any other Secret, and holds none in
 * memory (docs/secret-delivery.md, "Access").
 *
 * <p>A watch the RBAC refuses (403: the rules name a Secret the chart's RBAC does not cover) keeps
 * retrying, is told once when it becomes refused and once when it is allowed again, and is left out
 * of {@link #hasSynced}, so the others go on; it takes over once the RBAC allows it.
 *
 * @param <K> what a watch is of (a copy name, a source)
 * @param <V> what its store keeps of each Secret
 */
final class NamedWatches<K, V> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NamedWatches.class);

  private record Watch<V>(SharedIndexInformer<Secret> informer, ReducedStore<Secret, V> store) {}

  private final String what;
  private final Function<K, SharedIndexInformer<Secret>> open;
  private final Supplier<ReducedStore<Secret, V>> store;
  private final BiConsumer<K, Secret> changed;
  private final Runnable accessChanged;
  private final Set<K> forbidden = ConcurrentHashMap.newKeySet();
  private final Map<K, Watch<V>> watches = new HashMap<>();

  /**
   * @param what how the log names a watch, before its key ("copies named ")
   * @param accessChanged told when a watch becomes forbidden or allowed (from an informer's thread)
   */
  NamedWatches(
      String what,
      Function<K, SharedIndexInformer<Secret>> open,
      Supplier<ReducedStore<Secret, V>> store,
      BiConsumer<K, Secret> changed,
      Runnable accessChanged) {
    this.what = what;
    this.open = open;
    this.store = store;
    this.changed = changed;
    this.accessChanged = accessChanged;
  }

  /** Watches exactly {@code keys}. */
  synchronized void watch(Set<K> keys) {
    for (K gone : watches.keySet().stream().filter(k -> !keys.contains(k)).toList()) {
      watches.remove(gone).informer().close();
      forbidden.remove(gone);
    }
    for (K key : keys) {
      watches.computeIfAbsent(key, this::start);
    }
  }

  private Watch<V> start(K key) {
    var watch = new Watch<>(open.apply(key), store.get());
    SharedIndexInformer<Secret> informer = watch.informer().itemStore(watch.store());
    informer.addEventHandler(
        Informers.onAnyChange(
            secret -> {
              allowed(key);
              changed.accept(key, secret);
            }));
    informer.exceptionHandler(
        (started, error) -> {
          if (isForbidden(error)) {
            if (forbidden.add(key)) {
              log.warn(
                  "Not allowed to watch {}{}: the webhook's RBAC does not cover it, so it is left"
                      + " out (retrying; docs/secret-delivery.md, Access)",
                  what,
                  key);
              accessChanged.run();
            }
          } else {
            log.warn("Watch of {}{} failed ({}); retrying", what, key, error.toString());
          }
          return true;
        });
    informer.start().thenRun(() -> allowed(key));
    return watch;
  }

  /** A 403 from the API server, as the informer reports it (wrapped in a CompletionException). */
  private static boolean isForbidden(Throwable error) {
    return Stream.iterate(error, Objects::nonNull, Throwable::getCause)
        .anyMatch(t -> t instanceof KubernetesClientException e && e.getCode() == 403);
  }

  /** The watch of {@code key} listed or saw an event: it is allowed. */
  private void allowed(K key) {
    if (forbidden.remove(key)) {
      log.info("Now allowed to watch {}{}", what, key);
      accessChanged.run();
    }
  }

  boolean isForbidden(K key) {
    return forbidden.contains(key);
  }

  /** Every watch the webhook may run has listed once. */
  synchronized boolean hasSynced() {
    return watches.entrySet().stream()
        .allMatch(e -> isForbidden(e.getKey()) || e.getValue().informer().hasSynced());
  }

  /**
   * What the watch of {@code key} keeps of the Secret {@code namespace/name}; null when it does not
   * exist or {@code key} is not watched.
   */
  synchronized V kept(K key, String namespace, String name) {
    Watch<V> watch = watches.get(key);
    return watch == null ? null : watch.store().kept(namespace + "/" + name);
  }

  synchronized Set<K> keys() {
    return Set.copyOf(watches.keySet());
  }

  @Override
  public synchronized void close() {
    watches.values().forEach(w -> w.informer().close());
    watches.clear();
  }
}
