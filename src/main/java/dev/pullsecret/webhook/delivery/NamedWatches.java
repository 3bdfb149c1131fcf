package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
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
 * @param <S> the store each watch keeps
 */
final class NamedWatches<K, S extends ItemStore<Secret>> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NamedWatches.class);

  /** The watch of one key: its informer, not started, which keeps its objects in {@code store}. */
  record Watch<S extends ItemStore<Secret>>(SharedIndexInformer<Secret> informer, S store) {
    Watch {
      informer.itemStore(store);
    }
  }

  private final String what;
  private final Function<K, Watch<S>> open;
  private final BiConsumer<K, Secret> changed;
  private final Consumer<K> accessChanged;
  private final Set<K> forbidden = ConcurrentHashMap.newKeySet();
  private final Map<K, Watch<S>> watches = new HashMap<>();

  /**
   * @param what how the log names a watch, before its key ("copies named ")
   * @param changed told an object of a watch that was added, changed or deleted
   * @param accessChanged told a watch that became forbidden or allowed (from an informer's thread)
   */
  NamedWatches(
      String what,
      Function<K, Watch<S>> open,
      BiConsumer<K, Secret> changed,
      Consumer<K> accessChanged) {
    this.what = what;
    this.open = open;
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

  private Watch<S> start(K key) {
    Watch<S> watch = open.apply(key);
    SharedIndexInformer<Secret> informer = watch.informer();
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
              accessChanged.accept(key);
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
      accessChanged.accept(key);
    }
  }

  /** Whether the webhook may not watch {@code key} (its RBAC does not cover it). */
  boolean isForbidden(K key) {
    return forbidden.contains(key);
  }

  /** Every watch the webhook may run has listed once. */
  synchronized boolean hasSynced() {
    return watches.entrySet().stream()
        .allMatch(e -> isForbidden(e.getKey()) || e.getValue().informer().hasSynced());
  }

  /** The store of the watch of {@code key}, or null when it is not watched. */
  synchronized S store(K key) {
    Watch<S> watch = watches.get(key);
    return watch == null ? null : watch.store();
  }

  synchronized Map<K, S> stores() {
    Map<K, S> stores = new HashMap<>();
    watches.forEach((key, watch) -> stores.put(key, watch.store()));
    return stores;
  }

  @Override
  public synchronized void close() {
    watches.values().forEach(w -> w.informer().close());
    watches.clear();
  }
}
