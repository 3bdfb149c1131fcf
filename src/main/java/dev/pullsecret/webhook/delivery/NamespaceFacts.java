package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.api.model.Namespace;

/** What reconciling needs to know of a namespace. */
record NamespaceFacts(String name, boolean terminating) {

  /** The fields {@link #of} reads besides the name: all the namespace cache keeps. */
  static final String[] FIELDS = {"metadata.deletionTimestamp", "status.phase"};

  static NamespaceFacts of(Namespace namespace) {
    boolean terminating =
        namespace.getMetadata().getDeletionTimestamp() != null
            || (namespace.getStatus() != null
                && "Terminating".equals(namespace.getStatus().getPhase()));
    return new NamespaceFacts(namespace.getMetadata().getName(), terminating);
  }
}
