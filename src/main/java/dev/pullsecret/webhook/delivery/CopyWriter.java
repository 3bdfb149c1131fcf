package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.delivery.SyncEvents.Reason;
import dev.pullsecret.webhook.delivery.SyncEvents.Regarding;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a plan and decides what each API error means: 409 on create is a Secret of that name,
 * a conflict if it is not ours; 409 on update means the copy changed since it was read (reconcile
 * again, never overwrite); 404 means the namespace or copy went away; a terminating namespace
 * refuses creates (skip, no loop). Anything else is counted and retried with back-off.
 */
record CopyWriter(SecretWrites writes, SyncEvents events, SyncMetrics metrics) {

  /** The states after the writes, and whether the namespace converged (else: retry later). */
  record Result(Map<String, CopyState> states, boolean converged) {}

  private static final Logger log = LoggerFactory.getLogger(CopyWriter.class);

  Result apply(NamespacePlan plan) {
    Map<String, CopyState> states = new HashMap<>(plan.states());
    boolean converged = true;
    for (CopyAction action : plan.actions()) {
      try {
        CopyState after = write(action);
        if (after != null) {
          states.put(action.name(), after);
        }
      } catch (KubernetesClientException e) {
        Outcome outcome = failed(action, e);
        if (outcome.state() != null) {
          states.put(action.name(), outcome.state());
        }
        converged &= outcome.converged();
        if (outcome.stop()) {
          break;
        }
      }
    }
    return new Result(states, converged);
  }

  private CopyState write(CopyAction action) {
    var regarding = new Regarding("Secret", action.namespace(), action.name());
    switch (action) {
      case CopyAction.Create create -> {
        writes.create(create.copy());
        events.forget(regarding, Reason.CopyConflict);
        events.normal(regarding, Reason.CopyCreated, "copied " + describe(create.copy()));
        log.info(
            "Created copy {}/{} ({})", action.namespace(), action.name(), describe(create.copy()));
        return CopyState.SYNCED;
      }
      case CopyAction.Update update -> {
        writes.update(update.copy());
        events.normal(regarding, Reason.CopyUpdated, "updated to " + describe(update.copy()));
        log.info(
            "Updated copy {}/{} ({})", action.namespace(), action.name(), describe(update.copy()));
        return CopyState.SYNCED;
      }
      case CopyAction.Delete delete -> {
        writes.delete(delete.namespace(), delete.name());
        log.info(
            "Deleted copy {}/{}: no rule wants it there now", action.namespace(), action.name());
        return null;
      }
    }
  }

  private record Outcome(CopyState state, boolean converged, boolean stop) {}

  private Outcome failed(CopyAction action, KubernetesClientException e) {
    int code = e.getCode();
    if (action instanceof CopyAction.Create && code == 409) {
      return taken(action);
    }
    if (code == 409 || (code == 404 && action instanceof CopyAction.Update)) {
      // Changed or deleted since it was read: the informer will tell; reconcile again.
      return new Outcome(CopyState.PENDING, false, true);
    }
    if (code == 404) {
      return new Outcome(null, true, false);
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
    return new Outcome(CopyState.PENDING, false, true);
  }

  /** A create found the name taken: ours (the cache lags: retry) or someone else's (conflict). */
  private Outcome taken(CopyAction action) {
    Secret existing;
    try {
      existing = writes.get(action.namespace(), action.name()).orElse(null);
    } catch (KubernetesClientException e) {
      metrics.apiError();
      return new Outcome(CopyState.PENDING, false, true);
    }
    if (existing == null || CopyMarks.isOurs(existing)) {
      return new Outcome(CopyState.PENDING, false, true);
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
