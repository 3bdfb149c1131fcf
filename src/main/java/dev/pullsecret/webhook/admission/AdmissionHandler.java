package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.SecretInjected;
import dev.pullsecret.webhook.mutation.Mutation;
import dev.pullsecret.webhook.mutation.MutationScope;
import dev.pullsecret.webhook.mutation.PodMutator;
import dev.pullsecret.webhook.mutation.ResolvedDigests;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.RuleMode;
import dev.pullsecret.webhook.text.Text;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what to answer to one admission request: a ladder of guard clauses, each with a named
 * reason, then the mutation. This is the one place that decides what an internal error means for
 * the API server: the pod is admitted unchanged with a warning (fail open), so the chart's {@code
 * failurePolicy} stays the single switch for calls that fail outright.
 */
public final class AdmissionHandler {

  private static final Logger log = LoggerFactory.getLogger(AdmissionHandler.class);

  /**
   * The uid of the reviews the webhook sends itself while starting: answered like any other, but
   * they never reach a registry (their images are samples, and start-up must not wait on the
   * network).
   */
  public static final String WARM_UP_UID = "pullsecret-webhook-warm-up";

  /** Set by the kubelet on the API-server copy of a static pod; such pods cannot be changed. */
  static final String MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

  private final Supplier<LoadedRules> rules;
  private final Set<String> skippedNamespaces;
  private final PodMutator mutator = new PodMutator();
  private final SecretPresence presence;
  private final DigestLookup digests;

  public AdmissionHandler(Supplier<LoadedRules> rules, Set<String> skippedNamespaces) {
    this(rules, skippedNamespaces, SecretPresence.UNKNOWN, DigestLookup.OFF);
  }

  public AdmissionHandler(
      Supplier<LoadedRules> rules, Set<String> skippedNamespaces, SecretPresence presence) {
    this(rules, skippedNamespaces, presence, DigestLookup.OFF);
  }

  public AdmissionHandler(
      Supplier<LoadedRules> rules, Set<String> skippedNamespaces, DigestLookup digests) {
    this(rules, skippedNamespaces, SecretPresence.UNKNOWN, digests);
  }

  /**
   * @param presence which delivered secrets exist in which namespaces (from the sync loop's cache)
   * @param digests looks up the digests of rules that resolve tags, before the pure pass
   */
  public AdmissionHandler(
      Supplier<LoadedRules> rules,
      Set<String> skippedNamespaces,
      SecretPresence presence,
      DigestLookup digests) {
    this.rules = rules;
    this.skippedNamespaces = Set.copyOf(skippedNamespaces);
    this.presence = presence;
    this.digests = digests;
  }

  public AdmissionDecision decide(AdmissionRequest request) {
    try {
      return decideOrThrow(request);
    } catch (RuntimeException e) {
      log.error("Internal error on review {}; admitting it unchanged", request.summary(), e);
      return AdmissionDecision.allowed(
          request.uid(),
          Reason.ERROR_IGNORED,
          "internal error, pod admitted without changes (see the webhook's log)");
    }
  }

  private AdmissionDecision decideOrThrow(AdmissionRequest request) {
    String uid = request.uid();
    // Before the kind: subresources other than Pod (PodExecOptions on a CONNECT of pods/exec,
    // Binding, Eviction) are pod operations with nothing to mutate, not a registration mistake.
    if (request.hasSubResource() && !request.isEphemeralContainersUpdate()) {
      return AdmissionDecision.allowed(uid, Reason.SUBRESOURCE_IGNORED);
    }
    if (!request.isPod()) {
      return AdmissionDecision.allowed(
          uid,
          Reason.KIND_IGNORED,
          "ignored a "
              + request.kindText()
              + " review: only v1 Pods are handled; check the registration");
    }
    MutationScope scope;
    if (request.isEphemeralContainersUpdate()) {
      scope = MutationScope.forNewEphemeralContainers(ephemeralContainerNames(request.oldObject()));
    } else if (request.isCreate()) {
      scope = MutationScope.forCreate();
    } else {
      return AdmissionDecision.allowed(uid, Reason.OPERATION_IGNORED);
    }
    Pod pod = request.object();
    if (pod == null || pod.getSpec() == null) {
      return AdmissionDecision.allowed(uid, Reason.NO_OBJECT, "review without a pod; ignored");
    }
    String namespace = request.podNamespace();
    if (namespace == null || skippedNamespaces.contains(namespace)) {
      return AdmissionDecision.allowed(uid, Reason.NAMESPACE_SKIPPED);
    }
    if (isMirrorPod(pod)) {
      return AdmissionDecision.allowed(uid, Reason.MIRROR_POD);
    }
    LoadedRules loaded = rules.get();
    Optional<NamespaceRule> rule = loaded.rules().forNamespace(namespace);
    if (rule.isEmpty()) {
      return AdmissionDecision.allowed(uid, Reason.NO_RULE);
    }
    // The only I/O of a review, done before the pure pass and bounded by the lookup's budget.
    Set<ImageReference> candidates = mutator.digestCandidates(pod, rule.get(), scope);
    DigestLookup lookup = WARM_UP_UID.equals(uid) ? DigestLookup.OFF : digests;
    ResolvedDigests resolved =
        candidates.isEmpty() ? ResolvedDigests.NONE : lookup.resolve(candidates, rule.get());
    Mutation mutation = mutator.mutate(pod, rule.get(), scope, resolved);
    AdmissionDecision decision = answer(uid, rule.get(), mutation, resolved, loaded.version());
    if (!decision.auditAnnotations().isEmpty()) {
      // Where the change was made, beside which rule made it; never a metric label (issue 12). A
      // rule matched, so the name is a DNS label (Rules refuses others): bounded, no quoting.
      decision = decision.withAuditAnnotation("namespace", namespace);
    }
    List<String> injected =
        mutation.changes().stream()
            .filter(SecretInjected.class::isInstance)
            .map(c -> ((SecretInjected) c).secret())
            .toList();
    return decision.withWarnings(
        MissingSecretWarnings.of(presence, namespace, rule.get(), pod, injected));
  }

  /**
   * The decision for a pass: tags that could not be resolved leave their images as they are, with
   * an audit annotation, or refuse the pod where the rule says so (never in audit mode).
   */
  private static AdmissionDecision answer(
      String uid,
      NamespaceRule rule,
      Mutation mutation,
      ResolvedDigests resolved,
      String rulesVersion) {
    boolean audit = rule.mode() == RuleMode.AUDIT;
    AdmissionDecision decision =
        audit
            ? AdmissionDecision.audited(uid, mutation, rulesVersion)
            : AdmissionDecision.mutated(uid, mutation, rulesVersion);
    if (resolved.failures().isEmpty()) {
      return decision;
    }
    String unresolved = unresolved(resolved);
    if (!audit && rule.images().resolveDigests().orElseThrow().denyOnFailure()) {
      return AdmissionDecision.denied(
          uid,
          rule.name(),
          "rule "
              + rule.name()
              + " requires images pinned by digest and these tags could not be resolved: "
              + unresolved);
    }
    return decision.withAuditAnnotation("digests-unresolved", unresolved);
  }

  /** A few images and why, for the audit log and a refusal: bounded like every annotation. */
  private static String unresolved(ResolvedDigests resolved) {
    var text = new StringJoiner("; ");
    resolved.failures().entrySet().stream()
        .sorted(Map.Entry.comparingByKey(Comparator.comparing(ImageReference::toString)))
        .limit(MAX_UNRESOLVED_SHOWN)
        .forEach(e -> text.add(Text.quote(e.getKey().toString()) + " (" + e.getValue() + ")"));
    int more = resolved.failures().size() - MAX_UNRESOLVED_SHOWN;
    if (more > 0) {
      text.add("…+" + more + " more");
    }
    return text.toString();
  }

  private static final int MAX_UNRESOLVED_SHOWN = 5;

  private static Set<String> ephemeralContainerNames(Pod pod) {
    if (pod == null || pod.getSpec() == null || pod.getSpec().getEphemeralContainers() == null) {
      return Set.of();
    }
    return pod.getSpec().getEphemeralContainers().stream()
        .filter(Objects::nonNull)
        .map(EphemeralContainer::getName)
        .filter(Objects::nonNull)
        .collect(Collectors.toSet());
  }

  private static boolean isMirrorPod(Pod pod) {
    var metadata = pod.getMetadata();
    return metadata != null
        && metadata.getAnnotations() != null
        && metadata.getAnnotations().containsKey(MIRROR_POD_ANNOTATION);
  }
}
