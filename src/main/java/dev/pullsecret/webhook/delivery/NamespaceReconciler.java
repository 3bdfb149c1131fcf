package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.Rules;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One reconcile of one namespace: facts from the caches, the plan from {@link CopyPlanner}, the
 * writes by {@link CopyWriter}. Reads the rules once, so a reload during a reconcile cannot mix old
 * and new rules; the reload enqueues every namespace again, which then converges.
 */
record NamespaceReconciler(
    DesiredCopies desired, CopyWriter writer, CopyStates states, SyncMetrics metrics) {

  /**
   * Returns true when the namespace converged, false to retry after a back-off. Reads the
   * namespace, the sources and our copies from {@code caches}.
   */
  boolean reconcile(SyncCaches caches, String namespace) {
    long started = System.nanoTime();
    Optional<NamespaceFacts> found = caches.namespaces().facts(namespace);
    if (found.isEmpty() || found.get().terminating()) {
      // Deleted or being deleted: its copies go with it, and creating into it would fail.
      states.forget(namespace);
      return true;
    }
    NamespaceFacts facts = found.get();
    Rules rules = desired.rules();
    if (!caches.namespaces().covers(desired.labelKeys(rules))) {
      // New rules read labels the namespace watch does not keep yet: it is listing them again,
      // and planning now could create copies where a label says no, or delete them where it says
      // yes. Retried until the new watch has taken over.
      return false;
    }
    List<PullSecret> wanted = desired.in(rules, facts);
    NamespacePlan plan =
        CopyPlanner.plan(
            namespace, wanted, caches::source, caches.ours(namespace), caches::forbidden);
    Map<String, CopyState> after = new HashMap<>(plan.states());
    boolean converged = true;
    for (CopyAction action : plan.actions()) {
      CopyWriter.Outcome outcome = writer.write(action);
      if (outcome.state() != null) {
        after.put(action.name(), outcome.state());
      }
      converged &= outcome.converged();
      if (outcome.stop()) {
        break;
      }
    }
    states.put(namespace, after);
    if (!plan.actions().isEmpty()) {
      metrics.reconciled(Duration.ofNanos(System.nanoTime() - started));
    }
    return converged;
  }
}
