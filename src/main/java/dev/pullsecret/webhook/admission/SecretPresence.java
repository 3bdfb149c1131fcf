package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.rules.PullSecret;

/**
 * Whether a pull secret given to a pod exists in its namespace, answered from memory (the sync
 * loop's caches): no call to the API server on the admission path.
 */
@FunctionalInterface
public interface SecretPresence {

  /** When delivery is off the webhook knows nothing of Secrets, and says nothing. */
  SecretPresence UNKNOWN = (namespace, secret, dryRun) -> false;

  /**
   * True only when the webhook delivers {@code secret}, which the namespace's rule gives, and it is
   * not in {@code namespace}; false when it is there or the webhook cannot tell. A pod of a {@code
   * dryRun} is not created, so it is not counted as admitted without the secret.
   */
  boolean isMissing(String namespace, PullSecret secret, boolean dryRun);
}
