package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import dev.pullsecret.webhook.mutation.PendingPatch.ContainerImage;
import dev.pullsecret.webhook.rules.ImageOptions;
import dev.pullsecret.webhook.rules.ImageOptions.LatestPinning;
import dev.pullsecret.webhook.rules.ImageOptions.PullPolicyOverride;
import dev.pullsecret.webhook.rules.ImageOptions.RegistryMirror;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.RuleMatch;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mutation core: (pod, rule, scope) in, patch operations out. No I/O and no framework, so it is
 * tested with plain tables and benchmarked in isolation. Its only state is a bounded memo of parsed
 * image references, which changes no answer.
 *
 * <p>One pass runs its steps in order over the pod as the earlier steps left it, then writes every
 * change once: pin latest tags, send images to mirrors, pin digests, decide pull policies, add pull
 * secrets. Each step sees rewritten images, so the pull policy is decided for the image the pod
 * will really pull and a secret bound to a mirror follows the images sent there.
 */
public final class PodMutator {

  private final ParsedImages parsedImages = new ParsedImages();

  /**
   * The memo: the replicas of a workload all carry the same images, so a cluster sees few distinct
   * references and most reviews need no parsing. Past its bound, references are parsed each time.
   */
  static final class ParsedImages {

    private static final int MAX_ENTRIES = 10_000;

    /** An image as parsed: the reference, or why it is not one. */
    record Parsed(ImageReference reference, String problem) {}

    private final Map<String, Parsed> cache = new ConcurrentHashMap<>();

    Parsed parse(String image) {
      Parsed parsed = image == null ? null : cache.get(image);
      if (parsed == null) {
        parsed = parseNow(image);
        if (image != null && cache.size() < MAX_ENTRIES) {
          cache.put(image, parsed);
        }
      }
      return parsed;
    }

    private static Parsed parseNow(String image) {
      try {
        return new Parsed(ImageReference.parse(image), null);
      } catch (InvalidImageSyntaxException e) {
        return new Parsed(null, e.getMessage());
      }
    }
  }

  /**
   * Starts a pass of {@code match}'s rule over {@code pod} and pins latest tags, so that the
   * mirrors are asked about the images as they would get them. The pass then stops before each step
   * that needs answers from registries, which the caller looks up (I/O, within one time budget for
   * both) and hands back, so the pass itself stays pure: {@link Pass#mirrorCandidates()} for {@link
   * Pass#digestCandidates}, whose images for {@link Pass#finish}.
   */
  public Pass begin(Pod pod, RuleMatch match, MutationScope scope) {
    var pass = new Pass(pod, match, new PendingPatch(pod.getSpec(), scope, parsedImages));
    pass.pinLatest();
    return pass;
  }

  /** One pass, each of its methods called once, in order. */
  public static final class Pass {
    private final Pod pod;
    private final RuleMatch match;
    private final NamespaceRule rule;
    private final PendingPatch pending;

    private Pass(Pod pod, RuleMatch match, PendingPatch pending) {
      this.pod = pod;
      this.match = match;
      this.rule = match.rule();
      this.pending = pending;
    }

    /**
     * The images to ask the rule's {@code when: present} mirrors about: for each image in scope (as
     * pinned), the image at each conditional mirror it may go to, with that mirror. Empty when the
     * rule has no conditional mirror.
     */
    public Map<ImageReference, RegistryMirror> mirrorCandidates() {
      return MirrorRewriter.candidates(pending, rule.images());
    }

    /**
     * Runs the mirror step with what the mirrors answered for {@link #mirrorCandidates()} (given
     * none, no image goes to a conditional mirror, and the pass says so), then gives the images
     * whose tags the rule resolves to digests: in scope, as pinned and mirrored, not pinned by
     * digest already, on the rule's registries.
     */
    public Set<ImageReference> digestCandidates(ResolvedDigests presence) {
      new MirrorRewriter(presence).apply(pending, rule);
      Set<ImageReference> candidates = new LinkedHashSet<>();
      for (ContainerImage c : pending.rewritableContainers()) {
        if (rule.images().resolvesDigestOf(c.image())) {
          candidates.add(c.image());
        }
      }
      return candidates;
    }

    /** Runs the remaining steps with the digests looked up, and writes every change once. */
    public Mutation finish(ResolvedDigests digests) {
      pinDigests(digests);
      decidePullPolicies();
      addPullSecrets();
      return pending.mutation(pod.getMetadata(), match);
    }

    /**
     * Pins an untagged or {@code :latest} image to the tag the rule's {@code pinLatest} gives its
     * repository. Digest-pinned images are never retagged, and a pinned image carries a tag, so a
     * second pass changes nothing.
     */
    private void pinLatest() {
      Optional<LatestPinning> pinning = rule.images().pinLatest();
      if (pinning.isEmpty()) {
        return;
      }
      for (ContainerImage c : pending.rewritableContainers()) {
        ImageReference image = c.image();
        Optional<String> tag =
            image.isUntaggedOrLatest() ? pinning.get().tagFor(image) : Optional.empty();
        if (tag.isPresent()) {
          String why = image.hasTag() ? "pinned latest" : "pinned untagged image";
          c.rewrite(image.withTag(tag.get()), why + " to " + tag.get());
        }
      }
    }

    /**
     * Pins each image whose tag the rule resolves to the digest the registry served for it: {@code
     * repo:tag@sha256:...}, the tag kept for humans, the digest for the kubelet (which pulls by
     * digest when both are present). An image without one is left as it is, with a warning: its
     * lookup failed (the webhook admits it as it is), or none was made (preview without --resolve,
     * which says nothing of what the webhook would do). Images pinned by digest are never looked
     * up, so a second pass over the output changes nothing.
     */
    private void pinDigests(ResolvedDigests digests) {
      for (ContainerImage c : pending.rewritableContainers()) {
        ImageReference image = c.image();
        if (!rule.images().resolvesDigestOf(image)) {
          continue;
        }
        Optional<String> digest = digests.digest(image);
        if (digest.isPresent()) {
          String tag = image.hasTag() ? image.tag() : ImageReference.LATEST;
          c.rewrite(
              new ImageReference(image.domain(), image.path(), image.tag(), digest.get()),
              "resolved " + tag + " to its digest");
        } else {
          pending.warn(c.container, unpinned(image, digests));
        }
      }
    }

    private static String unpinned(ImageReference image, ResolvedDigests digests) {
      return digests
          .failure(image)
          .map(why -> image + " not resolved to a digest (" + why + "); left as it is")
          .orElseGet(() -> "digest of " + image + " not looked up (" + digests.notLookedUp() + ")");
    }

    /**
     * Decides each container's {@code imagePullPolicy} for its image as rewritten. The API server
     * defaults the policy before mutating webhooks run: {@code Always} for untagged and {@code
     * :latest} images, {@code IfNotPresent} otherwise. When a rewrite changes which case an image
     * is in, that default is stale and is decided again, unless the rule sets the policy itself.
     */
    private void decidePullPolicies() {
      ImageOptions options = rule.images();
      if (options.isNone()) {
        return;
      }
      for (ContainerImage c : pending.rewritableContainers()) {
        if (options.imagePullPolicy().isPresent()) {
          PullPolicyOverride override = options.imagePullPolicy().get();
          if (!c.image().hasDigest() || override.includeDigestPinned()) {
            c.pullPolicy = override.policy();
          }
        } else if (c.original.isUntaggedOrLatest()
            && !c.image().isUntaggedOrLatest()
            && (c.pullPolicy == null || "Always".equals(c.pullPolicy))) {
          c.pullPolicy = "IfNotPresent";
        }
      }
    }

    /**
     * Adds the rule's pull secrets that the pod's images as rewritten need and it does not have
     * yet: never twice, so a second pass over its own output adds nothing (re-invocation safe).
     */
    private void addPullSecrets() {
      List<ImageReference> images =
          pending.containers().stream().map(ContainerImage::image).toList();
      for (PullSecret secret : rule.pullSecrets()) {
        if (secret.servesAnyOf(images)) {
          pending.addSecret(secret.name());
        }
      }
    }
  }
}
