package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch of every namespace: for delivery (which namespaces exist, which are being deleted) and
 * for admission (the labels rules and the opt-out read, which an AdmissionReview does not carry).
 *
 * <p>Its store keeps only the label keys in use ({@link NamespaceFacts}). When new rules read a key
 * it does not keep, a second watch that keeps it lists every namespace and then replaces the first:
 * until then {@link #covers} is false for that key, so delivery waits and admission reads the
 * namespace itself, rather than either deciding on labels it does not have.
 */
final class NamespaceWatch implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NamespaceWatch.class);

  /** A watch and its store, which keeps the labels of {@code labelKeys}. */
  private record Generation(
      SharedIndexInformer<Namespace> informer,
      ReducedStore<Namespace, NamespaceFacts> store,
      Set<String> labelKeys) {}

  private final KubernetesClient client;
  private final long resyncMillis;
  private final Consumer<String> changed;
  private final Runnable replaced;
  private volatile Generation current;

  /** The watch being listed to replace {@link #current}; guarded by this. */
  private Generation next;

  /**
   * @param changed told the name of a namespace that was added, changed or deleted
   * @param replaced told when a new watch took over, so every namespace is planned again
   */
  NamespaceWatch(
      KubernetesClient client, long resyncMillis, Consumer<String> changed, Runnable replaced) {
    this.client = client;
    this.resyncMillis = resyncMillis;
    this.changed = changed;
    this.replaced = replaced;
    this.current = generation(Set.of());
  }

  /** Starts watching, keeping the labels of {@code labelKeys}. */
  synchronized void start(Set<String> labelKeys) {
    if (!current.labelKeys().equals(labelKeys)) {
      current = generation(labelKeys);
    }
    Informers.start(current.informer(), "namespaces");
  }

  /** Makes sure the labels of {@code labelKeys} are kept: a new watch if they are not. */
  synchronized void keep(Set<String> labelKeys) {
    if (next != null && next.labelKeys().equals(labelKeys)) {
      return;
    }
    closeNext();
    if (current.labelKeys().equals(labelKeys)) {
      return;
    }
    Generation replacement = generation(labelKeys);
    next = replacement;
    log.info("Namespace labels now read: {}; listing namespaces again to keep them", labelKeys);
    Informers.start(replacement.informer(), "namespaces (labels " + labelKeys + ")")
        .thenRun(() -> takeOver(replacement));
  }

  private synchronized void takeOver(Generation replacement) {
    if (next != replacement) {
      return; // replaced in turn before it had listed everything
    }
    Generation old = current;
    current = replacement;
    next = null;
    old.informer().close();
    replaced.run();
  }

  /** Whether the kept labels include every one of {@code labelKeys}, for the current list. */
  boolean covers(Set<String> labelKeys) {
    return current.labelKeys().containsAll(labelKeys);
  }

  boolean hasSynced() {
    return current.informer().hasSynced();
  }

  Optional<NamespaceFacts> facts(String name) {
    return Optional.ofNullable(current.store().kept(name));
  }

  List<NamespaceFacts> all() {
    return current.store().kept().toList();
  }

  private Generation generation(Set<String> labelKeys) {
    SharedIndexInformer<Namespace> informer =
        client.namespaces().withLimit(SyncCaches.LIST_PAGE).runnableInformer(resyncMillis);
    Set<String> keys = Set.copyOf(labelKeys);
    var store =
        new ReducedStore<>(
            Namespace::new, n -> NamespaceFacts.of(n, keys), NamespaceFacts::resourceVersion);
    informer.itemStore(store);
    informer.addEventHandler(
        Informers.onAnyChange(namespace -> changed.accept(namespace.getMetadata().getName())));
    return new Generation(informer, store, keys);
  }

  private void closeNext() {
    if (next != null) {
      next.informer().close();
      next = null;
    }
  }

  @Override
  public synchronized void close() {
    closeNext();
    current.informer().close();
  }
}
