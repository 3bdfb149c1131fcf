package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
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
 *
 * <p>The namespace and copy caches keep only the fields the reconcile reads (fabric8's {@link
 * ReducedStateItemStore}), not whole objects: a namespace in a cluster carries labels, kubectl's
 * last-applied annotation and managed fields that are several times what the reconcile needs, and
 * there is one per namespace of the cluster (bench/README.md, Secret delivery). A read from these
 * caches returns a new object holding those fields only.
 */
final class SyncCaches implements AutoCloseable {

  /** Builds the caches once the listeners of their changes exist. */
  @FunctionalInterface
  interface Factory {
    SyncCaches create(Consumer<String> namespaceChanged, Consumer<SecretSource> sourceChanged);
  }

  /**
   * Objects per page of an informer's list (client-go's reflector pages by 500 too): the whole
   * objects of one page are the peak the first list holds before the stores reduce them.
   */
  static final long LIST_PAGE = 500;

  private final SharedIndexInformer<Namespace> namespaces;
  private final SharedIndexInformer<Secret> copies;
  private final ReducedStateItemStore<Secret> copyStore;
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
    this.namespaces = client.namespaces().withLimit(LIST_PAGE).runnableInformer(resyncMillis);
    namespaces.itemStore(reduced(client, Namespace.class, NamespaceFacts.FIELDS));
    namespaces.addEventHandler(
        Informers.onAnyChange(ns -> namespaceChanged.accept(ns.getMetadata().getName())));
    this.copies =
        client
            .secrets()
            .inAnyNamespace()
            .withLabel(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY)
            .withLimit(LIST_PAGE)
            .runnableInformer(0);
    this.copyStore = reduced(client, Secret.class, CopyPlanner.COPY_FIELDS);
    copies.itemStore(copyStore);
    copies.addEventHandler(
        Informers.onAnyChange(s -> namespaceChanged.accept(s.getMetadata().getNamespace())));
    this.sources = new SourceWatches(client, sourceChanged);
  }

  /** A store of each object's key (namespace, name), resource version and {@code fields}. */
  private static <T extends HasMetadata> ReducedStateItemStore<T> reduced(
      KubernetesClient client, Class<T> type, String... fields) {
    return new ReducedStateItemStore<>(
        ReducedStateItemStore.NAME_KEY_STATE, type, client.getKubernetesSerialization(), fields);
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

  /**
   * Asked on the admission path, per review: looks the key up without rebuilding the copy, which a
   * read of the reduced store does (every stored object has a resource version).
   */
  boolean hasCopy(String namespace, String name) {
    return copyStore.getResourceVersion(namespace + "/" + name) != null;
  }

  @Override
  public void close() {
    sources.close();
    copies.close();
    namespaces.close();
  }
}
