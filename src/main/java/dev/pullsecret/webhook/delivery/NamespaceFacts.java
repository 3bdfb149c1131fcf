package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.NamespaceLabels;
import io.fabric8.kubernetes.api.model.Namespace;
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
}
