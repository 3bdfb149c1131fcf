package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.NamespaceLabels;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.util.Set;

/**
 * What the webhook keeps of a namespace: whether it is being deleted, and the labels whose keys
 * some rule or the opt-out reads (the others, however many or large, are never held).
 */
record NamespaceFacts(
    String name, String resourceVersion, boolean terminating, NamespaceLabels labels) {

  static NamespaceFacts of(Namespace namespace, Set<String> labelKeys) {
    boolean terminating =
        namespace.getMetadata().getDeletionTimestamp() != null
            || (namespace.getStatus() != null
                && "Terminating".equals(namespace.getStatus().getPhase()));
    return new NamespaceFacts(
        namespace.getMetadata().getName(),
        namespace.getMetadata().getResourceVersion(),
        terminating,
        NamespaceLabels.keeping(namespace.getMetadata().getLabels(), labelKeys));
  }

  /**
   * The store of a namespace watch, holding this per namespace instead of the object: a namespace
   * in a cluster carries labels, kubectl's last-applied annotation and managed fields many times
   * the size of what the webhook reads, and there is one per namespace of the cluster. Keeps the
   * labels of {@code labelKeys} only, fixed for the store's life: rules that read other keys get a
   * new watch ({@link NamespaceWatch}).
   */
  static ReducedStore<Namespace, NamespaceFacts> store(Set<String> labelKeys) {
    Set<String> keys = Set.copyOf(labelKeys);
    return new ReducedStore<>(
        namespace -> namespace.getMetadata().getName(),
        namespace -> of(namespace, keys),
        NamespaceFacts::asNamespace);
  }

  private Namespace asNamespace() {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .withResourceVersion(resourceVersion)
        .withLabels(labels.asMap())
        .endMetadata()
        .build();
  }
}
