package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The namespace informer's store, holding {@link NamespaceFacts} per namespace instead of the
 * object: a namespace in a cluster carries labels, kubectl's last-applied annotation and managed
 * fields many times the size of what the webhook reads, and there is one per namespace of the
 * cluster. Keeps the labels of {@link #labelKeys()} only, fixed for the store's life: rules that
 * read other keys get a new watch ({@link NamespaceWatch}).
 */
final class NamespaceStore implements ItemStore<Namespace> {

  private final Set<String> labelKeys;
  private final Map<String, NamespaceFacts> entries = new ConcurrentHashMap<>();

  NamespaceStore(Set<String> labelKeys) {
    this.labelKeys = Set.copyOf(labelKeys);
  }

  Set<String> labelKeys() {
    return labelKeys;
  }

  NamespaceFacts facts(String name) {
    return entries.get(name);
  }

  @Override
  public String getKey(Namespace namespace) {
    return namespace.getMetadata().getName();
  }

  @Override
  public Namespace put(String key, Namespace namespace) {
    return asNamespace(entries.put(key, NamespaceFacts.of(namespace, labelKeys)));
  }

  @Override
  public Namespace remove(String key) {
    return asNamespace(entries.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return entries.keySet().stream();
  }

  @Override
  public Stream<Namespace> values() {
    return entries.values().stream().map(NamespaceStore::asNamespace);
  }

  @Override
  public int size() {
    return entries.size();
  }

  @Override
  public Namespace get(String key) {
    return asNamespace(entries.get(key));
  }

  @Override
  public boolean isFullState() {
    return false;
  }

  /** What the informer reads back: the name, resource version and the labels kept. */
  private static Namespace asNamespace(NamespaceFacts facts) {
    if (facts == null) {
      return null;
    }
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(facts.name())
        .withResourceVersion(facts.resourceVersion())
        .withLabels(facts.labels().asMap())
        .endMetadata()
        .build();
  }
}
