package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.rules.PullSecret;

/**
 * Whether a pull secret given to a pod exists in its namespace, answered from memory (the sync
 * loop's caches): no call to the API server on the admission path.
 */
@FunctionalInterface
public interface SecretPresence {

  /** When delivery is off the webhook knows nothing of Secrets, and says nothing. */
  SecretPresence UNKNOWN = (namespace, secret) -> false;

  /**
   * True only when the webhook knows that {@code secret}, which the namespace's rule gives, should
   * be in {@code namespace} (it delivers it) and it is not there; false when it is there or the
   * webhook cannot tell.
   */
  boolean isMissing(String namespace, PullSecret secret);
}
