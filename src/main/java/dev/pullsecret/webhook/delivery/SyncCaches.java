package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.SecretSource;
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
 * What the sync loop knows of the cluster, kept by watches: namespaces ({@link NamespaceWatch}),
 * our copies (listed by our label, so Helm releases and every other Secret stay out of memory) and
 * the sources (each by its one name). Memory grows with namespaces × delivered secrets, a few
 * hundred bytes each.
 *
 * <p>Neither the namespace cache nor that of the copies keeps whole objects: of a namespace, its
 * {@link NamespaceFacts} ({@link NamespaceStore}); of a copy, its {@link ObservedCopy} ({@link
 * CopyStore}). A namespace in a cluster carries labels, kubectl's last-applied annotation and
 * managed fields several times that size, and there is one per namespace of the cluster
 * (bench/README.md, Secret delivery).
 */
final class SyncCaches implements AutoCloseable {

  /** Builds the caches once the listeners of their changes exist. */
  @FunctionalInterface
  interface Factory {
    SyncCaches create(
        Consumer<String> namespaceChanged,
        Consumer<SecretSource> sourceChanged,
        Runnable namespacesReplaced);
  }

  /**
   * Objects per page of an informer's list (client-go's reflector pages by 500 too): the whole
   * objects of one page are the peak the first list holds before the stores reduce them.
   */
  static final long LIST_PAGE = 500;

  private final NamespaceWatch namespaces;
  private final SharedIndexInformer<Secret> copies;
  private final CopyStore copyStore = new CopyStore();
  private final SourceWatches sources;

  /**
   * @param namespaceChanged told the name of a namespace whose facts or copies changed
   * @param sourceChanged told a source that was created, changed or deleted
   * @param namespacesReplaced told when the namespace watch was replaced to keep other labels
   */
  SyncCaches(
      KubernetesClient client,
      long resyncMillis,
      Consumer<String> namespaceChanged,
      Consumer<SecretSource> sourceChanged,
      Runnable namespacesReplaced) {
    this.namespaces =
        new NamespaceWatch(client, resyncMillis, namespaceChanged, namespacesReplaced);
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

  void start(Set<SecretSource> watchedSources, Set<String> labelKeys) {
    namespaces.start(labelKeys);
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

  /** Keeps the labels of {@code labelKeys} from now on (new rules read other keys). */
  void keepLabels(Set<String> labelKeys) {
    namespaces.keep(labelKeys);
  }

  /**
   * Whether the namespaces' labels of {@code labelKeys} are known (listed with those keys kept).
   */
  boolean labelsCover(Set<String> labelKeys) {
    return namespaces.covers(labelKeys);
  }

  Optional<NamespaceFacts> namespace(String name) {
    return namespaces.facts(name);
  }

  List<String> namespaceNames() {
    return namespaces.names();
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
