package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.rules.NamespaceRule;
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

  public Mutation mutate(Pod pod, NamespaceRule rule) {
    return mutate(pod, rule, MutationScope.forCreate());
  }

  public Mutation mutate(Pod pod, NamespaceRule rule, MutationScope scope) {
    return mutate(pod, rule, scope, ResolvedDigests.NONE);
  }

  /**
   * The images whose tags a pass under {@code rule} would resolve to digests: in scope, as pinned
   * and mirrored, not pinned by digest already, on the rule's registries. The caller looks them up
   * (I/O, within a time budget) and hands the result to {@link #mutate(Pod, NamespaceRule,
   * MutationScope, ResolvedDigests)}, so the pass itself stays pure.
   */
  public Set<ImageReference> digestCandidates(Pod pod, NamespaceRule rule, MutationScope scope) {
    if (rule.images().resolveDigests().isEmpty()) {
      return Set.of();
    }
    PendingPatch pending = view(pod, scope, ResolvedDigests.NONE, new ArrayList<>());
    for (MutationStep step : STEPS) {
      if (step instanceof DigestPinner) {
        break;
      }
      pending.record(step.apply(pending, rule).changes());
    }
    Set<ImageReference> images = new LinkedHashSet<>();
    for (PodView.ContainerImage c : pending.rewritableContainers()) {
      if (rule.images().resolvesDigestOf(c.image())) {
        images.add(c.image());
      }
    }
    return images;
  }

  public Mutation mutate(
      Pod pod, NamespaceRule rule, MutationScope scope, ResolvedDigests digests) {
    List<String> warnings = new ArrayList<>();
    PendingPatch pending = view(pod, scope, digests, warnings);
    for (MutationStep step : STEPS) {
      StepResult result = step.apply(pending, rule);
      pending.record(result.changes());
      warnings.addAll(result.warnings());
    }
    List<Change> changes = pending.changes();
    var operations = new ArrayList<>(pending.operations());
    // Metadata is immutable on the ephemeralcontainers subresource; the audit log explains those.
    if (!changes.isEmpty() && scope.wholePod()) {
      operations.add(Explanation.annotate(pod.getMetadata(), Explanation.of(rule.name(), changes)));
    }
    return new Mutation(rule.name(), operations, changes, warnings);
  }

  private PendingPatch view(
      Pod pod, MutationScope scope, ResolvedDigests digests, List<String> warnings) {
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
    return new PendingPatch(containers, spec.getImagePullSecrets(), scope.wholePod(), digests);
  }
}
