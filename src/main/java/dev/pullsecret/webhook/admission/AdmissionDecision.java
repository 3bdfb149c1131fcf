package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.mutation.Mutation;
import dev.pullsecret.webhook.patch.PatchOperation;
import java.util.List;
import java.util.Map;

/**
 * What the webhook answers to one review. Every decision admits the pod ({@code allowed: true}):
 * this webhook only ever adds what a pod lacks, and refusing pods is not its business.
 */
public record AdmissionDecision(
    String uid,
    Reason reason,
    List<PatchOperation> patch,
    List<String> warnings,
    Map<String, String> auditAnnotations) {

  /** Prefix of every warning, so users know which webhook speaks when kubectl shows it. */
  public static final String WARNING_PREFIX = "pullsecret-webhook: ";

  public AdmissionDecision {
    patch = List.copyOf(patch);
    warnings = warnings.stream().map(w -> WARNING_PREFIX + w).toList();
    auditAnnotations = Map.copyOf(auditAnnotations);
  }

  public static AdmissionDecision allowed(String uid, Reason reason) {
    return new AdmissionDecision(uid, reason, List.of(), List.of(), Map.of());
  }

  public static AdmissionDecision allowed(String uid, Reason reason, String warning) {
    return new AdmissionDecision(uid, reason, List.of(), List.of(warning), Map.of());
  }

  /** A rule applied: patched if it changed anything, otherwise admitted as is with its warnings. */
  public static AdmissionDecision mutated(String uid, Mutation mutation, String rulesVersion) {
    if (mutation.isEmpty()) {
      return new AdmissionDecision(
          uid, Reason.NOT_PATCHED, List.of(), mutation.warnings(), Map.of());
    }
    var audit =
        Map.of(
            "rule", mutation.rule(),
            "rules-version", rulesVersion,
            "changes", String.valueOf(mutation.changes().size()));
    return new AdmissionDecision(
        uid, Reason.PATCHED, mutation.operations(), mutation.warnings(), audit);
  }

  public boolean isPatched() {
    return !patch.isEmpty();
  }
}
