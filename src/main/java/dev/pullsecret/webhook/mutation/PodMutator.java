package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.rules.ImageOptions;
import dev.pullsecret.webhook.rules.ImageOptions.RegistryMirror;
import dev.pullsecret.webhook.rules.RuleMatch;
import io.fabric8.kubernetes.api.model.Pod;
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
 * <p>One pass runs the steps in order over the pod as the earlier steps left it, then writes every
 * change once: each step sees rewritten images, so the pull policy is decided for the image the pod
 * will really pull and a secret bound to a mirror follows the images sent there.
 */
public final class PodMutator {

  private static final MutationStep PIN_LATEST = new LatestPinner();
  private static final MutationStep DECIDE_PULL_POLICY = new PullPolicyDecider();
  private static final MutationStep ADD_PULL_SECRETS = new PullSecretInjector();

  private final ParsedImages parsedImages = new ParsedImages();

  /**
   * Starts a pass of {@code match}'s rule over {@code pod}: runs the steps before the mirror step
   * (pinning), so that {@link Pass#mirrorCandidates()} names the images as the mirrors would get
   * them. A pass needs two answers from registries, each looked up by the caller (I/O, within one
   * time budget for both) and handed back, so the pass itself stays pure:
   *
   * <ol>
   *   <li>{@link Pass#mirrorCandidates()}, looked up and given to {@link Pass#mirror}: whether the
   *       {@code when: present} mirrors hold the images they may take;
   *   <li>{@link Pass#digestCandidates()} (the images as they will be pulled, after the mirror),
   *       looked up and given to {@link Pass#finish}.
   * </ol>
   */
  public Pass begin(Pod pod, RuleMatch match, MutationScope scope) {
    PendingPatch pending = new PendingPatch(pod.getSpec(), scope, parsedImages);
    PIN_LATEST.apply(pending, match.rule());
    return new Pass(pod, match, pending);
  }

  /** One pass, stopped before each step that needs answers from registries. */
  public static final class Pass {
    private final Pod pod;
    private final RuleMatch match;
    private final PendingPatch pending;
    private boolean mirrored;

    private Pass(Pod pod, RuleMatch match, PendingPatch pending) {
      this.pod = pod;
      this.match = match;
      this.pending = pending;
    }

    /**
     * The images to ask the rule's {@code when: present} mirrors about: for each image in scope (as
     * pinned), the image at each conditional mirror it may go to, with that mirror. Empty when the
     * rule has no conditional mirror.
     */
    public Map<ImageReference, RegistryMirror> mirrorCandidates() {
      return mirrored ? Map.of() : MirrorRewriter.candidates(pending, match.rule().images());
    }

    /**
     * Runs the mirror step with what the mirrors answered for {@link #mirrorCandidates()} (a
     * digest: the mirror holds the image). A pass that is not given them sends no image to a
     * conditional mirror, and says so.
     */
    public Pass mirror(ResolvedDigests presence) {
      if (mirrored) {
        throw new IllegalStateException("the mirror step has run already");
      }
      new MirrorRewriter(presence).apply(pending, match.rule());
      mirrored = true;
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
      for (PendingPatch.ContainerImage c : pending.rewritableContainers()) {
        if (images.resolvesDigestOf(c.image())) {
          candidates.add(c.image());
        }
      }
      return candidates;
    }

    /** Runs the remaining steps with the digests looked up, and writes every change once. */
    public Mutation finish(ResolvedDigests digests) {
      mirrorIfNotYet();
      new DigestPinner(digests).apply(pending, match.rule());
      DECIDE_PULL_POLICY.apply(pending, match.rule());
      ADD_PULL_SECRETS.apply(pending, match.rule());
      List<Change> changes = pending.changes();
      var operations = new ArrayList<>(pending.operations());
      // Metadata is immutable on the ephemeralcontainers subresource; the audit log explains those.
      // A pass that only skipped mirrors changed nothing, and writes nothing: no patch of its own.
      if (!changes.isEmpty() && pending.wholePod()) {
        operations.add(
            Explanation.annotate(
                pod.getMetadata(), Explanation.of(match, changes, pending.mirrorsSkipped())));
      }
      return new Mutation(
          match.rule().name(), operations, changes, pending.warnings(), pending.pullSecretNames());
    }

    private void mirrorIfNotYet() {
      if (!mirrored) {
        mirror(ResolvedDigests.NONE);
      }
    }
  }
}
