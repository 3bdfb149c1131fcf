package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.delivery.SyncEvents.Reason;
import dev.pullsecret.webhook.delivery.SyncEvents.Regarding;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a plan and decides what each API error means: 409 on create is a Secret of that name,
 * a conflict if it is not ours; 409 on update means the copy changed since it was read (reconcile
 * again, never overwrite); 404 means the namespace or copy went away; a terminating namespace
 * refuses creates (skip, no loop). Anything else is counted and retried with back-off.
 */
record CopyWriter(KubernetesClient client, SyncEvents events, SyncMetrics metrics) {

  private static final Logger log = LoggerFactory.getLogger(CopyWriter.class);

  /**
   * What one write left: the copy's state (null: as planned), whether it converged (else: retry the
   * namespace later), and whether the namespace's remaining writes wait for that retry.
   */
  record Outcome(CopyState state, boolean converged, boolean stop) {}

  private static final Outcome SYNCED = new Outcome(CopyState.SYNCED, true, false);
  private static final Outcome DONE = new Outcome(null, true, false);
  private static final Outcome RETRY = new Outcome(CopyState.PENDING, false, true);

  /** Makes one write of a plan, and says what it left, failures included. */
  Outcome write(CopyAction action) {
    try {
      return writeOnce(action);
    } catch (KubernetesClientException e) {
      return failed(action, e);
    }
  }

  private Outcome writeOnce(CopyAction action) {
    var regarding = new Regarding("Secret", action.namespace(), action.name());
    var secrets = client.secrets().inNamespace(action.namespace());
    switch (action) {
      case CopyAction.Create create -> {
        secrets.resource(create.copy()).create();
        events.forget(regarding, Reason.CopyConflict);
        events.normal(regarding, Reason.CopyCreated, "copied " + describe(create.copy()));
        log.info(
            "Created copy {}/{} ({})", action.namespace(), action.name(), describe(create.copy()));
        return SYNCED;
      }
      case CopyAction.Update update -> {
        secrets.resource(update.copy()).update();
        events.normal(regarding, Reason.CopyUpdated, "updated to " + describe(update.copy()));
        log.info(
            "Updated copy {}/{} ({})", action.namespace(), action.name(), describe(update.copy()));
        return SYNCED;
      }
      case CopyAction.Delete delete -> {
        secrets.withName(delete.name()).delete();
        log.info(
            "Deleted copy {}/{}: no rule wants it there now", action.namespace(), action.name());
        return DONE;
      }
    }
  }

  private Outcome failed(CopyAction action, KubernetesClientException e) {
    int code = e.getCode();
    if (action instanceof CopyAction.Create && code == 409) {
      return taken(action);
    }
    if (code == 409 || (code == 404 && action instanceof CopyAction.Update)) {
      // Changed or deleted since it was read: the informer will tell; reconcile again.
      return RETRY;
    }
    if (code == 404) {
      return DONE;
    }
    if (code == 403 && String.valueOf(e.getMessage()).contains("being terminated")) {
      return new Outcome(null, true, true);
    }
    metrics.apiError();
    log.warn(
        "Could not write copy {}/{} (HTTP {}): {}",
        action.namespace(),
        action.name(),
        code,
        e.getMessage());
    return RETRY;
  }

  /** A create found the name taken: ours (the cache lags: retry) or someone else's (conflict). */
  private Outcome taken(CopyAction action) {
    Secret existing;
    try {
      existing = client.secrets().inNamespace(action.namespace()).withName(action.name()).get();
    } catch (KubernetesClientException e) {
      metrics.apiError();
      return RETRY;
    }
    if (existing == null || CopyMarks.isOurs(existing)) {
      return RETRY;
    }
    events.warning(
        new Regarding("Secret", action.namespace(), action.name()),
        Reason.CopyConflict,
        "a Secret named "
            + action.name()
            + " exists and was not made by pullsecret-webhook (no label "
            + CopyMarks.MANAGED_BY_LABEL
            + "="
            + CopyMarks.MANAGED_BY
            + "); it is left untouched. Delete it to let the webhook deliver the copy, or"
            + " exclude this namespace from the rule.");
    log.warn(
        "Conflict: {}/{} exists and is not ours; left untouched",
        action.namespace(),
        action.name());
    return new Outcome(CopyState.CONFLICT, true, false);
  }

  private static String describe(Secret copy) {
    return "from "
        + CopyMarks.annotation(copy, CopyMarks.SOURCE_ANNOTATION)
        + ", content "
        + CopyMarks.annotation(copy, CopyMarks.HASH_ANNOTATION);
  }
}
