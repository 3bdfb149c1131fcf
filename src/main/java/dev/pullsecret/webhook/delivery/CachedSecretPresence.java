package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.admission.SecretPresence;

/**
 * Answers admission from the copies cache: a delivered secret is missing when the cache has synced,
 * holds no copy of it in the namespace, and the leader did not find a Secret of that name that is
 * not ours (a conflict: something is there, just not from us). Counts each missing answer.
 */
final class CachedSecretPresence implements SecretPresence {

  private final SyncCaches caches;
  private final DesiredCopies desired;
  private final CopyStates states;
  private final SyncMetrics metrics;

  CachedSecretPresence(
      SyncCaches caches, DesiredCopies desired, CopyStates states, SyncMetrics metrics) {
    this.caches = caches;
    this.desired = desired;
    this.states = states;
    this.metrics = metrics;
  }

  @Override
  public boolean isMissing(String namespace, String secret) {
    if (!caches.copiesSynced() || caches.hasCopy(namespace, secret)) {
      return false;
    }
    boolean delivered = desired.in(namespace).stream().anyMatch(s -> s.name().equals(secret));
    if (!delivered || states.get(namespace, secret).orElse(null) == CopyState.CONFLICT) {
      return false;
    }
    metrics.missingAtAdmission(secret);
    return true;
  }
}
