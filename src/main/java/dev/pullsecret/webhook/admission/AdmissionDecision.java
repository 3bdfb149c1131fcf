package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.mutation.Change;
import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.mutation.Change.PullPolicySet;
import dev.pullsecret.webhook.mutation.Change.SecretInjected;
import dev.pullsecret.webhook.mutation.Mutation;
import dev.pullsecret.webhook.patch.PatchOperation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

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
    auditAnnotations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(auditAnnotations));
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
    return new AdmissionDecision(
        uid,
        Reason.PATCHED,
        mutation.operations(),
        mutation.warnings(),
        auditAnnotations(mutation, rulesVersion));
  }

  /**
   * Written to the API server's audit log with the webhook's name as prefix, so every change can be
   * traced to the rule and rules version that made it.
   */
  private static Map<String, String> auditAnnotations(Mutation mutation, String rulesVersion) {
    var audit = new LinkedHashMap<String, String>();
    audit.put("rule", mutation.rule());
    audit.put("rules-version", rulesVersion);
    putJoined(
        audit, "pull-secrets-added", mutation, SecretInjected.class, SecretInjected::secret, ",");
    putJoined(audit, "images-rewritten", mutation, ImageRewritten.class, Change::describe, "; ");
    putJoined(audit, "pull-policies-set", mutation, PullPolicySet.class, Change::describe, "; ");
    return audit;
  }

  private static <T extends Change> void putJoined(
      Map<String, String> audit,
      String key,
      Mutation mutation,
      Class<T> type,
      Function<T, String> text,
      String separator) {
    String joined =
        mutation.changes().stream()
            .filter(type::isInstance)
            .map(type::cast)
            .map(text)
            .collect(Collectors.joining(separator));
    if (!joined.isEmpty()) {
      audit.put(key, joined);
    }
  }

  public boolean isPatched() {
    return !patch.isEmpty();
  }
}
