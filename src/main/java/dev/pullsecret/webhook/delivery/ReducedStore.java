package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * An informer's store that keeps, per object, only what the loop reads ({@code V}) instead of the
 * object: objects in a cluster carry managed fields, kubectl's last-applied annotation and labels
 * many times that size, and some of them (our copies, pods) are written by tenants, who could make
 * them large. The informer reads back an empty object with the name and namespace of its key and
 * the resource version kept: all its index and notifications need.
 *
 * @param <T> the objects watched
 * @param <V> what is kept of each
 */
public final class ReducedStore<T extends HasMetadata, V> implements ItemStore<T> {

  private final Supplier<T> empty;
  private final Function<T, V> reduce;
  private final Function<V, String> resourceVersion;
  private final Map<String, V> entries = new ConcurrentHashMap<>();

  /**
   * @param empty a new object with no metadata ({@code Secret::new})
   * @param reduce what is kept of an object
   * @param resourceVersion the resource version kept, or null
   */
  public ReducedStore(
      Supplier<T> empty, Function<T, V> reduce, Function<V, String> resourceVersion) {
    this.empty = empty;
    this.reduce = reduce;
    this.resourceVersion = resourceVersion;
  }

  /** What is kept of the object under {@code key} ({@code namespace/name}, or a name), or null. */
  public V kept(String key) {
    return entries.get(key);
  }

  public Stream<V> kept() {
    return entries.values().stream();
  }

  @Override
  public String getKey(T object) {
    return Cache.metaNamespaceKeyFunc(object);
  }

  @Override
  public T put(String key, T object) {
    return rebuilt(key, entries.put(key, reduce.apply(object)));
  }

  @Override
  public T remove(String key) {
    return rebuilt(key, entries.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return entries.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return entries.entrySet().stream().map(e -> rebuilt(e.getKey(), e.getValue()));
  }

  @Override
  public int size() {
    return entries.size();
  }

  @Override
  public T get(String key) {
    return rebuilt(key, entries.get(key));
  }

  @Override
  public boolean isFullState() {
    return false;
  }

  private T rebuilt(String key, V kept) {
    if (kept == null) {
      return null;
    }
    int slash = key.indexOf('/');
    T object = empty.get();
    object.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(slash < 0 ? null : key.substring(0, slash))
            .withName(key.substring(slash + 1))
            .withResourceVersion(resourceVersion.apply(kept))
            .build());
    return object;
  }
}
