package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * An informer's store that keeps, per object, only what the loop reads ({@code V}) instead of the
 * object: objects in a cluster carry managed fields, annotations and labels many times that size,
 * and some of them (our copies, pods) are written by tenants, who could make them large. The
 * informer reads back an object rebuilt from what was kept (its name, namespace, resource version:
 * all its index and notifications need).
 *
 * @param <T> the objects watched
 * @param <V> what is kept of each
 */
public final class ReducedStore<T extends HasMetadata, V> implements ItemStore<T> {

  private final Function<T, String> key;
  private final Function<T, V> reduce;
  private final Function<V, T> rebuild;
  private final Map<String, V> entries = new ConcurrentHashMap<>();

  /**
   * @param key the informer's key of an object ({@code Cache::metaNamespaceKeyFunc}, or its name)
   * @param reduce what is kept of an object
   * @param rebuild the object the informer reads back
   */
  public ReducedStore(Function<T, String> key, Function<T, V> reduce, Function<V, T> rebuild) {
    this.key = key;
    this.reduce = reduce;
    this.rebuild = rebuild;
  }

  /** What is kept of the object under {@code key}, or null. */
  public V kept(String key) {
    return entries.get(key);
  }

  @Override
  public String getKey(T object) {
    return key.apply(object);
  }

  @Override
  public T put(String key, T object) {
    return rebuilt(entries.put(key, reduce.apply(object)));
  }

  @Override
  public T remove(String key) {
    return rebuilt(entries.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return entries.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return entries.values().stream().map(this::rebuilt);
  }

  @Override
  public int size() {
    return entries.size();
  }

  @Override
  public T get(String key) {
    return rebuilt(entries.get(key));
  }

  @Override
  public boolean isFullState() {
    return false;
  }

  private T rebuilt(V kept) {
    return kept == null ? null : rebuild.apply(kept);
  }
}
