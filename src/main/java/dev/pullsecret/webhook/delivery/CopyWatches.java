package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Our copies, watched one name at a time: for each delivered pull secret, one cluster-wide watch of
 * the Secrets of that name carrying our label (a {@code metadata.name} field selector). That is
 * what RBAC can grant by name ({@code resourceNames} allows list and watch only with that field
 * selector), so the webhook needs no right on any other Secret (docs/secret-delivery.md, "Access").
 *
 * <p>A name the webhook may not watch (403: the rules name a Secret the chart's RBAC does not
 * cover) is reported once and left out of {@link #hasSynced}, so the other names keep being synced;
 * its watch keeps retrying, and takes over once the RBAC allows it.
 */
final class CopyWatches implements AutoCloseable {

  private record Watch(
      SharedIndexInformer<Secret> informer, ReducedStore<Secret, ObservedCopy> store) {}

  private final KubernetesClient client;
  private final Consumer<String> namespaceChanged;
  private final WatchAccess<String> access;
  private final Map<String, Watch> watches = new HashMap<>();

  /**
   * @param namespaceChanged told the namespace of a copy that was added, changed or deleted
   * @param forbiddenChanged told the name of a copy whose watch became forbidden or allowed
   */
  CopyWatches(
      KubernetesClient client,
      Consumer<String> namespaceChanged,
      Consumer<String> forbiddenChanged) {
    this.client = client;
    this.namespaceChanged = namespaceChanged;
    this.access = new WatchAccess<>(forbiddenChanged);
  }

  /** Watches exactly the copies named {@code names}. */
  synchronized void watch(Set<String> names) {
    watches
        .entrySet()
        .removeIf(
            e -> {
              if (names.contains(e.getKey())) {
                return false;
              }
              e.getValue().informer().close();
              access.forget(e.getKey());
              return true;
            });
    for (String name : names) {
      watches.computeIfAbsent(name, this::watch);
    }
  }

  private Watch watch(String name) {
    var store = ObservedCopy.store();
    SharedIndexInformer<Secret> informer =
        client
            .secrets()
            .inAnyNamespace()
            .withField("metadata.name", name)
            .withLabel(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY)
            .withLimit(SyncCaches.LIST_PAGE)
            .runnableInformer(0);
    informer.itemStore(store);
    informer.addEventHandler(
        Informers.onAnyChange(
            secret -> {
              access.allowed(name);
              namespaceChanged.accept(secret.getMetadata().getNamespace());
            }));
    informer.exceptionHandler(access.handler(name, "copies named " + name));
    informer.start().thenRun(() -> access.allowed(name));
    return new Watch(informer, store);
  }

  /** Whether the copies named {@code name} may not be watched (the RBAC lacks the name). */
  boolean isForbidden(String name) {
    return access.isForbidden(name);
  }

  /** Every watch the webhook may run has listed its copies once. */
  synchronized boolean hasSynced() {
    return watches.entrySet().stream()
        .allMatch(e -> access.isForbidden(e.getKey()) || e.getValue().informer().hasSynced());
  }

  /** What is known of our copy {@code name} in {@code namespace}, or null. */
  ObservedCopy observed(String namespace, String name) {
    Watch watch;
    synchronized (this) {
      watch = watches.get(name);
    }
    return watch == null ? null : watch.store().kept(namespace + "/" + name);
  }

  /** What is known of our copies in {@code namespace}, by name. */
  Map<String, ObservedCopy> in(String namespace) {
    Map<String, ObservedCopy> byName = new HashMap<>();
    Map<String, Watch> all;
    synchronized (this) {
      all = Map.copyOf(watches);
    }
    all.forEach(
        (name, watch) -> {
          ObservedCopy copy = watch.store().kept(namespace + "/" + name);
          if (copy != null) {
            byName.put(name, copy);
          }
        });
    return byName;
  }

  @Override
  public synchronized void close() {
    watches.values().forEach(w -> w.informer().close());
    watches.clear();
  }
}
