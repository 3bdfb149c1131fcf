package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.admission.SecretPresence;
import dev.pullsecret.webhook.rules.PullSecret;

/**
 * Answers admission from the copies cache: a delivered secret is missing when the cache has synced,
 * holds no copy of it in the namespace, and the leader did not find a Secret of that name that is
 * not ours (a conflict: something is there, just not from us). Counts each missing answer.
 */
record CachedSecretPresence(
    SyncCaches caches, String ownNamespace, CopyStates states, SyncMetrics metrics)
    implements SecretPresence {

  @Override
  public boolean isMissing(String namespace, PullSecret secret) {
    if (!secret.isDelivered()
        || DesiredCopies.isSource(secret.source().in(ownNamespace), namespace, secret.name())
        || !caches.copiesSynced()
        || caches.hasCopy(namespace, secret.name())
        || states.get(namespace, secret.name()).orElse(null) == CopyState.CONFLICT) {
      return false;
    }
    metrics.missingAtAdmission(secret.name());
    return true;
  }
}
