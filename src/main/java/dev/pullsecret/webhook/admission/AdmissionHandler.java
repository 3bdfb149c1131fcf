package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Mutation;
import dev.pullsecret.webhook.mutation.Pass;
import dev.pullsecret.webhook.mutation.PodMutator;
import dev.pullsecret.webhook.mutation.ResolvedDigests;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.NamespaceScope.Choice;
import dev.pullsecret.webhook.rules.RuleMatch;
import dev.pullsecret.webhook.rules.RuleMode;
import dev.pullsecret.webhook.text.Text;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesResourceUtil;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what to answer to one admission request: a ladder of guard clauses, each with a named
 * reason, then the mutation. This is the one place that decides what an internal error means for
 * the API server: the pod is admitted unchanged with a warning (fail open), so the chart's {@code
 * failurePolicy} stays the single switch for calls that fail outright.
 */
public record AdmissionHandler(
    Supplier<LoadedRules> rules,
    NamespaceScope scope,
    NamespaceLabelSource namespaceLabels,
    SecretPresence presence,
    DigestLookup digests) {

  private static final Logger log = LoggerFactory.getLogger(AdmissionHandler.class);

  private static final PodMutator MUTATOR = new PodMutator();

  /**
   * Knows no label, no secret and no digest: what local runs, the warm-up (whose images and
   * namespace are samples, and which must not wait on the network) and tools decide with.
   */
  public static AdmissionHandler offline(Supplier<LoadedRules> rules, NamespaceScope scope) {
    return new AdmissionHandler(
        rules, scope, NamespaceLabelSource.NONE, SecretPresence.UNKNOWN, DigestLookup.OFF);
  }

  public AdmissionDecision decide(AdmissionRequest request) {
    try {
      return decideOrThrow(request);
    } catch (RuntimeException e) {
      log.error("Internal error on review {}; admitting it unchanged", request.summary(), e);
      return internalError(request);
    } catch (StackOverflowError e) {
      // A value long enough to make a regular expression recurse past the stack, which a bound
      // missed (a 50,000-character image did, before the grammar checked lengths): admitted like
      // any internal error, and logged with its top frame, not a trace of a thousand.
      StackTraceElement[] trace = e.getStackTrace();
      log.error(
          "Stack overflow on review {} at {}; admitting it unchanged",
          request.summary(),
          trace.length > 0 ? trace[0] : "an unknown frame");
      return internalError(request);
    }
  }

  private static AdmissionDecision internalError(AdmissionRequest request) {
    return AdmissionDecision.allowed(
        request.uid(),
        Reason.ERROR_IGNORED,
        "internal error, pod admitted without changes (see the webhook's log)");
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
    if (!request.isCreate() && !request.isEphemeralContainersUpdate()) {
      return AdmissionDecision.allowed(uid, Reason.OPERATION_IGNORED);
    }
    Pod pod = request.object();
    if (pod == null || pod.getSpec() == null) {
      return AdmissionDecision.allowed(uid, Reason.NO_OBJECT, "review without a pod; ignored");
    }
    String namespace = request.podNamespace();
    if (namespace == null || scope.skipped().contains(namespace)) {
      return AdmissionDecision.allowed(uid, Reason.NAMESPACE_SKIPPED);
    }
    if (isMirrorPod(pod)) {
      return AdmissionDecision.allowed(uid, Reason.MIRROR_POD);
    }
    if (scope.optedOut(podLabels(pod))) {
      return AdmissionDecision.allowed(uid, Reason.OPTED_OUT);
    }
    LoadedRules loaded = rules.get();
    // Labels only when some rule or the opt-out reads them, and only of a possible namespace.
    Set<String> keys = scope.labelKeys(loaded.rules());
    NamespaceLabels labels =
        keys.isEmpty() || !KubernetesResourceUtil.isValidName(namespace)
            ? NamespaceLabels.NONE
            : namespaceLabels.labels(namespace, keys);
    List<String> unknown =
        labels.known()
            ? List.of()
            : List.of(
                "the labels of namespace "
                    + namespace
                    + " could not be read in time; its rule was chosen by name only (no"
                    + " namespaceSelector, no opt-out label)");
    return switch (scope.choose(loaded.rules(), namespace, labels)) {
      case Choice.LeftOut out when out.reason() == NamespaceScope.Reason.OPTED_OUT ->
          AdmissionDecision.allowed(uid, Reason.OPTED_OUT);
      case Choice.LeftOut out -> AdmissionDecision.allowed(uid, Reason.NAMESPACE_SKIPPED);
      case Choice.NoRule none ->
          AdmissionDecision.allowed(uid, Reason.NO_RULE).withWarnings(unknown);
      case Choice.Applies applies -> mutate(request, applies.match(), loaded.version(), unknown);
    };
  }

  private AdmissionDecision mutate(
      AdmissionRequest request, RuleMatch match, String version, List<String> unknown) {
    NamespaceRule rule = match.rule();
    Pass pass = MUTATOR.begin(request.object(), match, request.mutationScope());
    // The only I/O of a review, between the pure steps (see DigestLookup).
    DigestLookup.Review lookups = digests.forReview(rule);
    ResolvedDigests mirrored = lookups.mirrors(pass.mirrorCandidates());
    ResolvedDigests resolved = lookups.digests(pass.digestCandidates(mirrored));
    Mutation mutation = pass.finish(resolved);
    // First, within the one budget of warnings (Warnings: 2 KiB): a secret missing, so
    // images pulled anonymously, matters more than the rewrites a large pod may fill it with.
    List<String> first =
        Stream.concat(
                unknown.stream(), missingSecrets(request, rule, mutation.pullSecrets()).stream())
            .toList();
    AdmissionDecision decision =
        AdmissionDecision.applied(request.uid(), mutation, version, rule.mode(), first);
    if (!resolved.failures().isEmpty()) {
      // Tags not resolved leave their images as they are, or refuse the pod where the rule says so
      // (never in audit mode).
      String unresolved = unresolved(resolved);
      if (rule.mode() != RuleMode.AUDIT
          && rule.images().resolveDigests().orElseThrow().denyOnFailure()) {
        decision =
            AdmissionDecision.denied(
                    request.uid(),
                    rule.name(),
                    "rule "
                        + rule.name()
                        + " requires images pinned by digest and these tags could not be resolved: "
                        + unresolved)
                .withWarnings(first);
      } else {
        decision = decision.withAuditAnnotation("digests-unresolved", unresolved);
      }
    }
    if (!mirrored.failures().isEmpty()) {
      // Never a refusal: an image a mirror lacks (or that did not answer) is kept as it is.
      decision = decision.withAuditAnnotation("mirrors-absent", unresolved(mirrored));
    }
    if (!decision.auditAnnotations().isEmpty()) {
      // Where the change was made, beside which rule made it and why; never a metric label (issue
      // 12). A rule matched, so the name is a DNS label (Rules refuses others): bounded, no
      // quoting.
      decision =
          decision
              .withAuditAnnotation("namespace", request.podNamespace())
              .withAuditAnnotation("match", match.why());
    }
    return decision;
  }

  /**
   * That a pull secret the pod relies on once patched ({@link Mutation#pullSecrets()}) is not in
   * its namespace: the kubelet would then pull anonymously, which is the rate-limit failure this
   * webhook exists to prevent.
   */
  private List<String> missingSecrets(
      AdmissionRequest request, NamespaceRule rule, Set<String> referenced) {
    String namespace = request.podNamespace();
    return rule.pullSecrets().stream()
        .filter(secret -> referenced.contains(secret.name()))
        .filter(secret -> presence.isMissing(namespace, secret, request.isDryRun()))
        .map(
            secret ->
                "pull secret "
                    + secret.name()
                    + " is missing in namespace "
                    + namespace
                    + ", so images from "
                    + secret.registriesText()
                    + " will be pulled anonymously; check its source Secret and the webhook's"
                    + " Events, or run the doctor command")
        .toList();
  }

  /** A few images and why they have no answer (audit log, refusal): bounded like annotations. */
  private static String unresolved(ResolvedDigests resolved) {
    var failures =
        resolved.failures().entrySet().stream()
            .sorted(Map.Entry.comparingByKey(Comparator.comparing(ImageReference::toString)))
            .toList();
    return Text.joined(
        failures,
        e -> Text.quote(e.getKey().toString()) + " (" + e.getValue() + ")",
        "; ",
        MAX_UNRESOLVED_SHOWN);
  }

  private static final int MAX_UNRESOLVED_SHOWN = 5;

  /** The pod's own opt-out label, if it carries it (the registration's objectSelector, again). */
  private NamespaceLabels podLabels(Pod pod) {
    return scope.optOut().isEmpty() || pod.getMetadata() == null
        ? NamespaceLabels.NONE
        : NamespaceLabels.keeping(
            pod.getMetadata().getLabels(), Set.of(scope.optOut().get().key()));
  }

  private static boolean isMirrorPod(Pod pod) {
    var metadata = pod.getMetadata();
    return metadata != null
        && metadata.getAnnotations() != null
        && metadata.getAnnotations().containsKey(PodMutator.MIRROR_POD_ANNOTATION);
  }
}
