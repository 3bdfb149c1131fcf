package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.SecretSource;
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
 * one name). Memory grows with namespaces × delivered secrets, a few hundred bytes each.
 *
 * <p>Neither the namespace cache nor that of the copies keeps whole objects. Of a namespace, only
 * the fields the reconcile reads (fabric8's {@link ReducedStateItemStore}): one in a cluster
 * carries labels, kubectl's last-applied annotation and managed fields several times that size, and
 * there is one per namespace of the cluster (bench/README.md, Secret delivery). A read returns a
 * new object holding those fields only. Of a copy, its {@link ObservedCopy} ({@link CopyStore}).
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
  private final CopyStore copyStore = new CopyStore();
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
    namespaces.itemStore(
        new ReducedStateItemStore<>(
            ReducedStateItemStore.NAME_KEY_STATE,
            Namespace.class,
            client.getKubernetesSerialization(),
            NamespaceFacts.FIELDS));
    namespaces.addEventHandler(
        Informers.onAnyChange(ns -> namespaceChanged.accept(ns.getMetadata().getName())));
    this.copies =
        client
            .secrets()
            .inAnyNamespace()
            .withLabel(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY)
            .withLimit(LIST_PAGE)
            .runnableInformer(0);
    copies.itemStore(copyStore);
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

  /** What is known of our copies in {@code namespace}, by name. */
  Map<String, ObservedCopy> ours(String namespace) {
    Map<String, ObservedCopy> byName = new HashMap<>();
    for (String key : copies.getIndexer().indexKeys(Cache.NAMESPACE_INDEX, namespace)) {
      ObservedCopy observed = copyStore.observed(key);
      if (observed != null) { // deleted in between
        byName.put(observed.name(), observed);
      }
    }
    return byName;
  }

  /** Asked on the admission path, per review. */
  boolean hasCopy(String namespace, String name) {
    return copyStore.observed(namespace + "/" + name) != null;
  }

  @Override
  public void close() {
    sources.close();
    copies.close();
    namespaces.close();
  }
}
