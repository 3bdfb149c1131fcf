package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.mutation.Change;
import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.mutation.Change.PullPolicySet;
import dev.pullsecret.webhook.mutation.Change.SecretInjected;
import dev.pullsecret.webhook.mutation.Mutation;
import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.rules.RuleMode;
import dev.pullsecret.webhook.text.Text;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What the webhook answers to one review. It only ever adds what a pod lacks: refusing pods is not
 * its business, except where a rule asks for it ({@link #denied}).
 *
 * @param warnings as made, without {@link #WARNING_PREFIX}: {@link #shownWarnings()} adds it
 * @param rule the rule that applied, or null when none did
 * @param changes what the patch changes (in audit mode: what it would have changed)
 */
public record AdmissionDecision(
    String uid,
    Reason reason,
    List<PatchOperation> patch,
    List<String> warnings,
    Map<String, String> auditAnnotations,
    String rule,
    List<Change> changes) {

  /** Prefix of every warning, so users know which webhook speaks when kubectl shows it. */
  public static final String WARNING_PREFIX = "pullsecret-webhook: ";

  public AdmissionDecision {
    patch = List.copyOf(patch);
    warnings = List.copyOf(warnings);
    auditAnnotations = Collections.unmodifiableMap(new LinkedHashMap<>(auditAnnotations));
    changes = List.copyOf(changes);
  }

  public static AdmissionDecision allowed(String uid, Reason reason, String... warnings) {
    return new AdmissionDecision(
        uid, reason, List.of(), List.of(warnings), Map.of(), null, List.of());
  }

  /**
   * A rule applied. In enforce mode the pod is patched if the rule changed anything; image and
   * pull-policy changes are told to the user as warnings (a pod that pulls another image than
   * written deserves a word), injected secrets are not, as adding them is the webhook's ordinary
   * job. In audit mode nothing is changed, and every change the rule would have made is told to the
   * user and the audit log, so a rule can be rolled out and watched before it acts.
   */
  public static AdmissionDecision applied(
      String uid, Mutation mutation, String rulesVersion, RuleMode mode) {
    return applied(uid, mutation, rulesVersion, mode, List.of());
  }

  /** As {@link #applied(String, Mutation, String, RuleMode)}, with {@code first} warnings first. */
  static AdmissionDecision applied(
      String uid, Mutation mutation, String rulesVersion, RuleMode mode, List<String> first) {
    boolean audit = mode == RuleMode.AUDIT;
    List<Change> told =
        audit
            ? mutation.changes()
            : mutation.changes().stream().filter(c -> !(c instanceof SecretInjected)).toList();
    String prefix = audit ? "audit mode, rule " + mutation.rule() + " would have: " : "";
    // An empty mutation changes nothing (it has no operations, so no changes either).
    return new AdmissionDecision(
        uid,
        mutation.isEmpty() ? Reason.NOT_PATCHED : audit ? Reason.AUDITED : Reason.PATCHED,
        audit ? List.of() : mutation.operations(),
        Warnings.of(first, mutation.warnings(), told, prefix),
        mutation.isEmpty() ? Map.of() : auditAnnotations(mutation, rulesVersion, mode),
        mutation.rule(),
        mutation.changes());
  }

  /**
   * A tag could not be resolved and the rule says {@code resolveDigests.onFailure: deny}. The
   * message is the refusal's status and its audit annotation, not a warning: kubectl would print it
   * twice, the second time cut at the 256 characters of a warning.
   */
  public static AdmissionDecision denied(String uid, String rule, String message) {
    return new AdmissionDecision(
        uid,
        Reason.DIGEST_UNRESOLVED,
        List.of(),
        List.of(),
        Map.of("rule", rule, DENIED, message),
        rule,
        List.of());
  }

  /** The audit annotation that holds a refusal's message. */
  private static final String DENIED = "denied";

  /** A refusal's message names at most a few images and why: as much as all warnings together. */
  private static final int MAX_REFUSAL_CHARS = 4096;

  /** The same decision with one more audit annotation. */
  public AdmissionDecision withAuditAnnotation(String key, String value) {
    var audit = new LinkedHashMap<>(auditAnnotations);
    audit.put(key, value);
    return new AdmissionDecision(uid, reason, patch, warnings, audit, rule, changes);
  }

  /**
   * This decision with more warnings, first, all within the budget of {@link Warnings}. Meant for a
   * decision without warnings of its own: an applied rule's go to {@link #applied(String, Mutation,
   * String, RuleMode, List)}, which counts the ones it leaves out.
   */
  AdmissionDecision withWarnings(List<String> first) {
    // First: the budget of warnings is 2 KiB (Warnings), and these (a secret missing, so images
    // pulled anonymously) matter more than the rewrites a large pod may fill that budget with.
    List<String> all =
        Warnings.of(
            Stream.concat(first.stream(), warnings.stream()).toList(), List.of(), List.of(), "");
    return new AdmissionDecision(uid, reason, patch, all, auditAnnotations, rule, changes);
  }

  /** The refusal's status message, prefixed as warnings are, on one bounded line; or null. */
  public String refusal() {
    return reason.denies()
        ? Text.line(WARNING_PREFIX + auditAnnotations.get(DENIED), MAX_REFUSAL_CHARS)
        : null;
  }

  /**
   * The warnings as {@code kubectl} shows them, prefixed and cut ({@link Warnings}). Input is
   * quoted where a warning is made; {@link Text#line} is the net under it, as kubectl prints to a
   * terminal.
   */
  public List<String> shownWarnings() {
    int max = Warnings.MAX_WARNING_CHARS;
    return warnings.stream()
        .map(w -> Text.line(Warnings.cut(WARNING_PREFIX + w, max), max))
        .toList();
  }

  public boolean isPatched() {
    return !patch.isEmpty();
  }

  /**
   * Written to the API server's audit log with the webhook's name as prefix, so every change can be
   * traced to the rule and rules version that made it.
   */
  private static Map<String, String> auditAnnotations(
      Mutation mutation, String rulesVersion, RuleMode mode) {
    var audit = new LinkedHashMap<String, String>();
    audit.put("rule", mutation.rule());
    audit.put("rules-version", rulesVersion);
    if (mode == RuleMode.AUDIT) {
      audit.put("mode", "audit");
    }
    List<Change> changes = mutation.changes();
    audit.put("pull-secrets", joined(changes, SecretInjected.class, SecretInjected::secret, ","));
    audit.put("images", joined(changes, ImageRewritten.class, Change::describe, "; "));
    audit.put("pull-policies", joined(changes, PullPolicySet.class, Change::describe, "; "));
    audit.values().removeIf(String::isEmpty); // the kinds of change the mutation did not make
    return audit;
  }

  /** Audit annotations are stored with every audit event: a few items and a count suffice. */
  private static final int MAX_AUDIT_ITEMS = 10;

  private static <T extends Change> String joined(
      List<Change> changes, Class<T> type, Function<T, String> text, String separator) {
    List<T> ofType = changes.stream().filter(type::isInstance).map(type::cast).toList();
    return Text.joined(ofType, text, separator, MAX_AUDIT_ITEMS);
  }
}
