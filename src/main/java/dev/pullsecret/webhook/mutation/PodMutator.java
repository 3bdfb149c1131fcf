package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.rules.ImageOptions;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.RuleMatch;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The mutation core: (pod, rule, scope) in, patch operations out. No I/O and no framework, so it is
 * tested with plain tables and benchmarked in isolation. Its only state is a bounded memo of parsed
 * image references, which changes no answer.
 *
 * <p>One pass runs the {@link #STEPS} in order over the pod as the earlier steps left it, then
 * writes every change once: each step sees rewritten images, so the pull policy is decided for the
 * image the pod will really pull and a secret bound to a mirror follows the images sent there.
 */
public final class PodMutator {

  /** The steps of a pass, in order. A new step is one class and one line here. */
  private static final List<MutationStep> STEPS =
      List.of(
          new ImageRewriter(),
          new DigestPinner(),
          new PullPolicyDecider(),
          new PullSecretInjector());

  private final ParsedImages parsedImages = new ParsedImages();

  /**
   * Starts a pass of {@code match}'s rule over {@code pod}: runs the steps before digest pinning,
   * so that {@link Pass#digestCandidates()} names the images as they will be pulled. The caller
   * looks those up (I/O, within a time budget) and {@linkplain Pass#finish finishes} the pass with
   * the result, so the pass itself stays pure.
   */
  public Pass begin(Pod pod, RuleMatch match, MutationScope scope) {
    List<String> warnings = new ArrayList<>();
    PendingPatch pending = view(pod, scope, warnings);
    int step = 0;
    while (!(STEPS.get(step) instanceof DigestPinner)) {
      warnings.addAll(apply(STEPS.get(step++), pending, match.rule()));
    }
    return new Pass(pod, match, scope, pending, warnings, step);
  }

  /** One pass, between the steps before digest pinning and the rest. */
  public static final class Pass {
    private final Pod pod;
    private final RuleMatch match;
    private final MutationScope scope;
    private final PendingPatch pending;
    private final List<String> warnings;
    private final int nextStep;

    private Pass(
        Pod pod,
        RuleMatch match,
        MutationScope scope,
        PendingPatch pending,
        List<String> warnings,
        int nextStep) {
      this.pod = pod;
      this.match = match;
      this.scope = scope;
      this.pending = pending;
      this.warnings = warnings;
      this.nextStep = nextStep;
    }

    /**
     * The images whose tags the rule resolves to digests: in scope, as pinned and mirrored, not
     * pinned by digest already, on the rule's registries.
     */
    public Set<ImageReference> digestCandidates() {
      ImageOptions images = match.rule().images();
      if (images.resolveDigests().isEmpty()) {
        return Set.of();
      }
      Set<ImageReference> candidates = new LinkedHashSet<>();
      for (PodView.ContainerImage c : pending.rewritableContainers()) {
        if (images.resolvesDigestOf(c.image())) {
          candidates.add(c.image());
        }
      }
      return candidates;
    }

    /** Runs the remaining steps with the digests looked up, and writes every change once. */
    public Mutation finish(ResolvedDigests digests) {
      pending.useDigests(digests);
      for (MutationStep step : STEPS.subList(nextStep, STEPS.size())) {
        warnings.addAll(apply(step, pending, match.rule()));
      }
      List<Change> changes = pending.changes();
      var operations = new ArrayList<>(pending.operations());
      // Metadata is immutable on the ephemeralcontainers subresource; the audit log explains those.
      if (!changes.isEmpty() && scope.wholePod()) {
        operations.add(Explanation.annotate(pod.getMetadata(), Explanation.of(match, changes)));
      }
      return new Mutation(match.rule().name(), operations, changes, warnings);
    }
  }

  private static List<String> apply(MutationStep step, PendingPatch pending, NamespaceRule rule) {
    StepResult result = step.apply(pending, rule);
    pending.record(result.changes());
    return result.warnings();
  }

  private PendingPatch view(Pod pod, MutationScope scope, List<String> warnings) {
    PodSpec spec = pod.getSpec();
    List<PodView.ContainerImage> containers = new ArrayList<>();
    for (PodContainer container : PodContainers.of(spec)) {
      ParsedImages.Parsed parsed = parsedImages.parse(container.image());
      if (parsed.reference() == null) {
        // Images that cannot be parsed are left alone and reported, never guessed at.
        warnings.add(container.describe() + ": " + parsed.problem() + "; left unchanged");
        continue;
      }
      containers.add(
          new PodView.ContainerImage(
              container,
              parsed.reference(),
              parsed.reference(),
              container.imagePullPolicy(),
              scope.mayRewrite(container)));
    }
    return new PendingPatch(containers, spec.getImagePullSecrets(), scope.wholePod());
  }
}
