package dev.pullsecret.webhook.admission;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** Why an admission ended as it did; appears in the log line and the metrics of every review. */
public enum Reason {
  PATCHED,
  /** A rule in audit mode would have changed the pod; it was admitted unchanged, with warnings. */
  AUDITED,
  /** A rule applies but the pod already has everything it would add. */
  NOT_PATCHED,
  /** Only CREATE is mutated: on UPDATE the pod spec is immutable and a patch would be refused. */
  OPERATION_IGNORED,
  /** Not a Pod: the webhook registration sends more than it should. */
  KIND_IGNORED,
  /** A subresource, e.g. {@code pods/status}, {@code pods/binding}, {@code pods/exec} (CONNECT). */
  SUBRESOURCE_IGNORED,
  /** In the webhook's skip list: its own namespace, kube-system, the chart's excludeNamespaces. */
  NAMESPACE_SKIPPED,
  /**
   * The namespace (or the pod itself) carries the opt-out label ({@code webhook.opt-out-label}):
   * the registration's selectors should not have sent it, and the webhook changes nothing anyway.
   */
  OPTED_OUT,
  /** A static pod's mirror: the kubelet owns it and rejects changes. */
  MIRROR_POD,
  NO_RULE,
  NO_OBJECT,
  /** Something failed inside the webhook: the pod is admitted unchanged (fail open). */
  ERROR_IGNORED,
  /**
   * The pod was refused: its rule resolves tags to digests with {@code onFailure: deny}, and a tag
   * could not be resolved. The only decision that does not admit the pod.
   */
  DIGEST_UNRESOLVED;

  /**
   * The reasons of a decision that names the rule it applied: the {@code outcome} label of {@code
   * pullsecret_rule_admissions_total}, whose description and documentation list them from here.
   */
  public static final Set<Reason> RULE_OUTCOMES =
      Collections.unmodifiableSet(EnumSet.of(PATCHED, AUDITED, NOT_PATCHED, DIGEST_UNRESOLVED));

  /** Whether the answer refuses the pod ({@code allowed: false}). */
  public boolean denies() {
    return this == DIGEST_UNRESOLVED;
  }
}
