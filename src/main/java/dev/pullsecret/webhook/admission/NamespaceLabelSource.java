package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.rules.NamespaceLabels;
import java.util.Set;

/**
 * A namespace's labels, which the AdmissionReview does not carry: from the namespace watch's cache,
 * or read once on a miss, never waiting past a time budget (docs/rules.md, "Namespace labels").
 */
@FunctionalInterface
public interface NamespaceLabelSource {

  /** Without cluster access: no namespace carries a label that matters (local runs, tools). */
  NamespaceLabelSource NONE = (namespace, keys) -> NamespaceLabels.NONE;

  /**
   * The labels of {@code namespace} among {@code keys} (the others need not be there), or {@link
   * NamespaceLabels#UNKNOWN} when they could not be known in time.
   */
  NamespaceLabels labels(String namespace, Set<String> keys);
}
