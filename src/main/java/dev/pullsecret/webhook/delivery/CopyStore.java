package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The informer's store of our copies, holding an {@link ObservedCopy} per copy instead of the
 * Secret. The copies informer lists Secrets by our label, which anyone who can write a Secret can
 * set, and a tenant can edit our copy in a namespace of theirs: with whole objects in the cache,
 * Secrets of up to 1 MiB each, in any number, would all be held. Here each costs its key, a
 * resource version, two short marks and a hash, whatever it holds.
 *
 * <p>The informer itself reads back a Secret carrying the name, namespace and resource version only
 * (its index by namespace and its notifications need no more).
 */
final class CopyStore implements ItemStore<Secret> {

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  private record Entry(String namespace, ObservedCopy copy) {}

  @Override
  public String getKey(Secret secret) {
    return Cache.metaNamespaceKeyFunc(secret);
  }

  @Override
  public Secret put(String key, Secret secret) {
    var entry = new Entry(secret.getMetadata().getNamespace(), ObservedCopy.of(secret));
    return asSecret(entries.put(key, entry));
  }

  @Override
  public Secret remove(String key) {
    return asSecret(entries.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return entries.keySet().stream();
  }

  @Override
  public Stream<Secret> values() {
    return entries.values().stream().map(CopyStore::asSecret);
  }

  @Override
  public int size() {
    return entries.size();
  }

  @Override
  public Secret get(String key) {
    return asSecret(entries.get(key));
  }

  @Override
  public boolean isFullState() {
    return false;
  }

  /** What is known of the copy under {@code key} ({@code namespace/name}), or null. */
  ObservedCopy observed(String key) {
    Entry entry = entries.get(key);
    return entry == null ? null : entry.copy();
  }

  private static Secret asSecret(Entry entry) {
    if (entry == null) {
      return null;
    }
    return new SecretBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withNamespace(entry.namespace())
                .withName(entry.copy().name())
                .withResourceVersion(entry.copy().resourceVersion())
                .build())
        .withType(entry.copy().type())
        .build();
  }
}
