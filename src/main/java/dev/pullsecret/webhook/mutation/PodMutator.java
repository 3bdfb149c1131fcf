package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.rules.ImageOptions;
import dev.pullsecret.webhook.rules.ImageOptions.RegistryMirror;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.RuleMatch;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
          new LatestPinner(),
          new MirrorRewriter(),
          new DigestPinner(),
          new PullPolicyDecider(),
          new PullSecretInjector());

  /** Where a pass stops for answers from registries: before these steps. */
  private static final int MIRROR_STEP = stepOf(MirrorRewriter.class);

  private static final int DIGEST_STEP = stepOf(DigestPinner.class);

  private final ParsedImages parsedImages = new ParsedImages();

  /**
   * Starts a pass of {@code match}'s rule over {@code pod}: runs the steps before the mirror step,
   * so that {@link Pass#mirrorCandidates()} names the images as the mirrors would get them. A pass
   * needs two answers from registries, each looked up by the caller (I/O, within one time budget
   * for both) and handed back, so the pass itself stays pure:
   *
   * <ol>
   *   <li>{@link Pass#mirrorCandidates()}, looked up and given to {@link Pass#mirror}: whether the
   *       {@code when: present} mirrors hold the images they may take;
   *   <li>{@link Pass#digestCandidates()} (the images as they will be pulled, after the mirror),
   *       looked up and given to {@link Pass#finish}.
   * </ol>
   */
  public Pass begin(Pod pod, RuleMatch match, MutationScope scope) {
    List<String> warnings = new ArrayList<>();
    PendingPatch pending = view(pod, scope, warnings);
    Pass pass = new Pass(pod, match, scope, pending, warnings);
    pass.runUntil(MIRROR_STEP);
    return pass;
  }

  /** One pass, stopped before each step that needs answers from registries. */
  public static final class Pass {
    private final Pod pod;
    private final RuleMatch match;
    private final MutationScope scope;
    private final PendingPatch pending;
    private final List<String> warnings;
    private int nextStep;

    private Pass(
        Pod pod,
        RuleMatch match,
        MutationScope scope,
        PendingPatch pending,
        List<String> warnings) {
      this.pod = pod;
      this.match = match;
      this.scope = scope;
      this.pending = pending;
      this.warnings = warnings;
    }

    /**
     * The images to ask the rule's {@code when: present} mirrors about: for each image in scope (as
     * pinned), the image at each conditional mirror it may go to, with that mirror. Empty when the
     * rule has no conditional mirror.
     */
    public Map<ImageReference, RegistryMirror> mirrorCandidates() {
      return nextStep > MIRROR_STEP
          ? Map.of()
          : MirrorRewriter.candidates(pending, match.rule().images());
    }

    /**
     * Runs the mirror step with what the mirrors answered for {@link #mirrorCandidates()} (a
     * digest: the mirror holds the image), and the steps up to digest pinning. A pass that is not
     * given them sends no image to a conditional mirror, and says so.
     */
    public Pass mirror(ResolvedDigests presence) {
      if (nextStep > MIRROR_STEP) {
        throw new IllegalStateException("the mirror step has run already");
      }
      pending.useMirrorPresence(presence);
      runUntil(DIGEST_STEP);
      return this;
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
      mirrorIfNotYet();
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
      mirrorIfNotYet();
      pending.useDigests(digests);
      runUntil(STEPS.size());
      List<Change> changes = pending.changes();
      var operations = new ArrayList<>(pending.operations());
      // Metadata is immutable on the ephemeralcontainers subresource; the audit log explains those.
      // A pass that only skipped mirrors changed nothing, and writes nothing: no patch of its own.
      if (!changes.isEmpty() && scope.wholePod()) {
        operations.add(
            Explanation.annotate(
                pod.getMetadata(), Explanation.of(match, changes, pending.mirrorsSkipped())));
      }
      return new Mutation(match.rule().name(), operations, changes, warnings);
    }

    private void mirrorIfNotYet() {
      if (nextStep <= MIRROR_STEP) {
        mirror(ResolvedDigests.NONE);
      }
    }

    /** Runs the steps from the next one up to, not including, step {@code end}. */
    private void runUntil(int end) {
      for (; nextStep < end; nextStep++) {
        warnings.addAll(apply(STEPS.get(nextStep), pending, match.rule()));
      }
    }
  }

  private static int stepOf(Class<? extends MutationStep> type) {
    for (int i = 0; i < STEPS.size(); i++) {
      if (type.isInstance(STEPS.get(i))) {
        return i;
      }
    }
    throw new IllegalArgumentException("no step " + type.getSimpleName());
  }

  private static List<String> apply(MutationStep step, PendingPatch pending, NamespaceRule rule) {
    StepResult result = step.apply(pending, rule);
    pending.record(result);
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
