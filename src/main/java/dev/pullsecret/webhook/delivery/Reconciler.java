package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.credentials.Problem;
import dev.pullsecret.webhook.delivery.SyncEvents.Reason;
import dev.pullsecret.webhook.delivery.SyncEvents.Regarding;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the leader does with a key of the sync loop's queues, reading the cluster from {@code
 * caches}: one reconcile of one namespace (facts, the plan from {@link CopyPlan}, then its writes),
 * or one report on a source. A reconcile reads the rules once, so a reload during it cannot mix old
 * and new rules; the reload enqueues every namespace again, which then converges.
 *
 * <p>What an API error on a write means: 409 on create is a Secret of that name, a conflict if it
 * is not ours; 409 on update means the copy changed since it was read (reconcile again, never
 * overwrite); 404 means the namespace or copy went away; a terminating namespace refuses creates
 * (skip, no loop). Anything else is counted and retried with back-off.
 */
record Reconciler(
    DesiredCopies desired,
    SyncCaches caches,
    KubernetesClient client,
    SyncEvents events,
    SyncMetrics metrics) {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /**
   * What one write left: the copy's state (null: as planned), whether it converged (else: retry the
   * namespace later), and whether the namespace's remaining writes wait for that retry.
   */
  private record Outcome(CopyState state, boolean converged, boolean stop) {}

  private static final Outcome SYNCED = new Outcome(CopyState.SYNCED, true, false);
  private static final Outcome DONE = new Outcome(null, true, false);
  private static final Outcome RETRY = new Outcome(CopyState.PENDING, false, true);

  /** Returns true when the namespace converged, false to retry after a back-off. */
  boolean reconcile(String namespace) {
    long started = System.nanoTime();
    Optional<NamespaceFacts> found = caches.namespaces().facts(namespace);
    if (found.isEmpty() || found.get().terminating()) {
      // Deleted or being deleted: its copies go with it, and creating into it would fail.
      metrics.reconciled(namespace, Map.of());
      return true;
    }
    Rules rules = desired.rules();
    if (!caches.namespaces().covers(desired.scope().labelKeys(rules))) {
      // The watch lists again to keep labels new rules read: planning now could create copies
      // where a label says no, or delete them where it says yes. Retried until it has taken over.
      return false;
    }
    List<PullSecret> wanted = desired.in(rules, found.get());
    CopyPlan plan =
        CopyPlan.of(namespace, wanted, caches::source, caches.ours(namespace), caches::forbidden);
    Map<String, CopyState> after = new HashMap<>(plan.states());
    boolean converged = true;
    for (CopyPlan.Action action : plan.actions()) {
      Outcome outcome = write(action);
      // A delete leaves the plan's state: none for a copy no rule wants, pending for a replaced
      // one.
      if (outcome.state() != null && !(action instanceof CopyPlan.Delete)) {
        after.put(action.name(), outcome.state());
      }
      converged &= outcome.converged();
      if (outcome.stop()) {
        break;
      }
    }
    metrics.reconciled(namespace, after);
    if (!plan.actions().isEmpty()) {
      metrics.reconciled(Duration.ofNanos(System.nanoTime() - started));
    }
    return converged;
  }

  /** Makes one write of a plan, and says what it left, failures included. */
  private Outcome write(CopyPlan.Action action) {
    var regarding = new Regarding("Secret", action.namespace(), action.name());
    var secrets = client.secrets().inNamespace(action.namespace());
    try {
      switch (action) {
        case CopyPlan.Create create -> {
          secrets.resource(create.copy()).create();
          events.forget(regarding, Reason.CopyConflict);
          return written(regarding, Reason.CopyCreated, "copied ", "Created", create.copy());
        }
        case CopyPlan.Update update -> {
          secrets.resource(update.copy()).update();
          return written(regarding, Reason.CopyUpdated, "updated to ", "Updated", update.copy());
        }
        case CopyPlan.Delete delete -> {
          secrets.withName(delete.name()).lockResourceVersion(delete.resourceVersion()).delete();
          log.info("Deleted copy {}/{}: {}", action.namespace(), action.name(), delete.why());
          return DONE;
        }
      }
    } catch (KubernetesClientException e) {
      return failed(action, e);
    }
  }

  private Outcome failed(CopyPlan.Action action, KubernetesClientException e) {
    int code = e.getCode();
    if (action instanceof CopyPlan.Create && code == 409) {
      return taken(action);
    }
    if (code == 409 || (code == 404 && action instanceof CopyPlan.Update)) {
      return RETRY; // changed or deleted since it was read: the informer will tell
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
  private Outcome taken(CopyPlan.Action action) {
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
        ("a Secret named %s exists and was not made by pullsecret-webhook (no label %s=%s); it is"
                + " left untouched. Delete it to let the webhook deliver the copy, or exclude this"
                + " namespace from the rule.")
            .formatted(action.name(), CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY));
    log.warn(
        "Conflict: {}/{} exists and is not ours; left untouched",
        action.namespace(),
        action.name());
    return new Outcome(CopyState.CONFLICT, true, false);
  }

  /** Tells of a copy written: an Event on it and a log line, naming its source and content. */
  private Outcome written(
      Regarding regarding, Reason reason, String event, String verb, Secret copy) {
    String from =
        "from %s, content %s"
            .formatted(
                CopyMarks.annotation(copy, CopyMarks.SOURCE_ANNOTATION),
                CopyMarks.annotation(copy, CopyMarks.HASH_ANNOTATION));
    events.normal(regarding, reason, event + from);
    log.info("{} copy {}/{} ({})", verb, regarding.namespace(), regarding.name(), from);
    return SYNCED;
  }

  /**
   * Tells people about a source the rules in force copy from, once per change, not once per
   * namespace: an Event on it, a log line and a metric when it is invalid, not copyable or gone
   * (bad content is told, never thrown).
   */
  boolean report(SecretSource ref) {
    List<PullSecret> users =
        desired.delivered(desired.rules()).stream().filter(s -> s.source().equals(ref)).toList();
    if (users.isEmpty()) {
      metrics.sourceDropped(ref); // its problems are no longer anyone's
      return true;
    }
    Optional<Secret> source = caches.source(ref);
    var regarding = new Regarding("Secret", ref.namespace(), ref.name());
    String names = users.stream().map(PullSecret::name).collect(Collectors.joining(", "));
    List<String> lacking =
        users.stream().filter(caches::forbidden).map(PullSecret::name).sorted().toList();
    if (!lacking.isEmpty()) {
      // Not readable: whether it exists or is valid is not known. Told on the source, as the
      // chart's RBAC names the copies and sources the webhook may touch.
      events.warning(
          regarding,
          Reason.CopyForbidden,
          "the webhook's RBAC does not let it read this source or watch and update Secrets named "
              + String.join(", ", lacking)
              + ", so no copy is made: install the chart with these pull secrets in `rules` (its"
              + " roles name the sources and copies), list them in sync.rbac.extraPullSecrets, or"
              + " set sync.rbac.scope=cluster");
      return true;
    }
    events.forget(regarding, Reason.CopyForbidden);
    if (source.isEmpty()) {
      metrics.sourceChecked(ref, 1);
      events.warning(
          regarding,
          Reason.SourceMissing,
          (users.stream().allMatch(PullSecret::hasProvider)
                  ? "credentials of pull secret(s) %s not generated yet: their provider has not"
                      + " answered (its CredentialsRenewalFailed Events say why); new namespaces"
                      + " get no copy until it does"
                  : "source of pull secret(s) %s does not exist: existing copies are kept with"
                      + " their last content, new namespaces get none until it is created")
              .formatted(names));
      log.warn("Source {} of {} does not exist; copies kept, none created", ref, names);
      return true;
    }
    events.forget(regarding, Reason.SourceMissing);
    List<Problem> problems =
        users.stream()
            .flatMap(user -> CopyPlan.problems(source.get(), user).stream())
            .distinct()
            .toList();
    int errors = (int) problems.stream().filter(Problem::isError).count();
    metrics.sourceChecked(ref, errors);
    if (errors == 0) {
      events.forget(regarding, Reason.SourceInvalid);
      events.forget(regarding, Reason.SourceNotCopied);
      return true;
    }
    String list = problems.stream().map(Problem::toString).collect(Collectors.joining("; "));
    if (CopyPlan.isPullSecretType(source.get())) {
      events.warning(
          regarding, Reason.SourceInvalid, "copied anyway, but pods may pull anonymously: " + list);
      log.warn("Source {} of {} has problems (copied anyway): {}", ref, names, list);
    } else {
      events.warning(regarding, Reason.SourceNotCopied, "not a pull secret, never copied: " + list);
      log.warn("Source {} of {} is not a pull secret; not copied: {}", ref, names, list);
    }
    return true;
  }
}
