package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the sync loop knows of the cluster, kept by watches: namespaces, our copies (listed by our
 * label, so Helm releases and every other Secret stay out of memory) and the sources (each by its
 * one name). Memory grows with namespaces × delivered secrets, each a pull secret of a few KiB.
 */
final class SyncCaches implements AutoCloseable {

  /** Builds the caches once the listeners of their changes exist. */
  @FunctionalInterface
  interface Factory {
    SyncCaches create(Consumer<String> namespaceChanged, Consumer<SecretSource> sourceChanged);
  }

  private final SharedIndexInformer<Namespace> namespaces;
  private final SharedIndexInformer<Secret> copies;
  private final SourceWatches sources;

  /**
   * @param namespaceChanged told the name of a namespace whose facts or copies changed
   * @param sourceChanged told a source that was created, changed or deleted
   */
  SyncCaches(
      KubernetesClient client,
      long resyncMillis,
      Consumer<String> namespaceChanged,
      Consumer<SecretSource> sourceChanged) {
    this.namespaces = client.namespaces().runnableInformer(resyncMillis);
    namespaces.addEventHandler(
        Informers.onAnyChange(ns -> namespaceChanged.accept(ns.getMetadata().getName())));
    this.copies =
        client
            .secrets()
            .inAnyNamespace()
            .withLabel(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY)
            .runnableInformer(0);
    copies.addEventHandler(
        Informers.onAnyChange(s -> namespaceChanged.accept(s.getMetadata().getNamespace())));
    this.sources = new SourceWatches(client, sourceChanged);
  }

  void start(Set<SecretSource> watchedSources) {
    Informers.start(namespaces, "namespaces");
    Informers.start(copies, "copies (Secrets labelled " + CopyMarks.MANAGED_BY_LABEL + ")");
    sources.watch(watchedSources);
  }

  void watchSources(Set<SecretSource> watchedSources) {
    sources.watch(watchedSources);
  }

  boolean hasSynced() {
    return namespaces.hasSynced() && copies.hasSynced() && sources.hasSynced();
  }

  boolean copiesSynced() {
    return copies.hasSynced();
  }

  Optional<Namespace> namespace(String name) {
    return Optional.ofNullable(namespaces.getStore().getByKey(name));
  }

  List<String> namespaceNames() {
    return namespaces.getStore().listKeys();
  }

  Optional<Secret> source(SecretSource source) {
    return sources.get(source);
  }

  /** Our copies in {@code namespace}, by name. */
  Map<String, Secret> ours(String namespace) {
    Map<String, Secret> byName = new HashMap<>();
    for (Secret copy : copies.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)) {
      byName.put(copy.getMetadata().getName(), copy);
    }
    return byName;
  }

  boolean hasCopy(String namespace, String name) {
    return copies.getStore().getByKey(namespace + "/" + name) != null;
  }

  @Override
  public void close() {
    sources.close();
    copies.close();
    namespaces.close();
  }
}
