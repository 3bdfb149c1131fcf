package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import dev.pullsecret.webhook.rules.RuleMatch;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mutation core: (pod, rule, scope) in, patch operations out. No I/O and no framework, so it is
 * tested with plain tables and benchmarked in isolation. Its only state is a bounded memo of parsed
 * image references, which changes no answer.
 *
 * <p>A pass runs its steps in order, each over the pod as the earlier ones left it: pin latest
 * tags, send images to mirrors, pin digests, decide pull policies, add pull secrets. So the pull
 * policy is decided for the image the pod will pull, and a secret bound to a mirror follows the
 * images sent there.
 */
public final class PodMutator {

  /**
   * Set by the kubelet on the API-server copy of a static pod (a mirror pod), which cannot be
   * changed: never sent to the webhook nor changed by it, so it never gets a pull secret, and
   * evicting it only deletes the mirror (recovery never judges it).
   */
  public static final String MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

  /**
   * Past this many distinct images the memo starts again: a bound, not a policy (parsing again
   * costs microseconds), and a flood of made-up images cannot keep real ones out for good.
   */
  static final int MAX_PARSED = 10_000;

  /**
   * Longer images are parsed each time: real ones are under 200 characters, and a review may hold
   * one of megabytes (refused, but parsed first), which kept as a key would make the memo's bound
   * one of count only (40 reviews of a 3 MB image ended the process).
   */
  private static final int MAX_PARSED_CHARS = 512;

  /** An image as parsed: the reference, or why it is not one. */
  record Parsed(ImageReference reference, String problem) {}

  /**
   * The memo: the replicas of a workload all carry the same images, so a cluster sees few distinct
   * references and most reviews need no parsing.
   */
  private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

  /**
   * Starts a pass of {@code match}'s rule over {@code pod} and pins latest tags, so that the
   * mirrors are asked about the images as they would get them. The pass then stops before each step
   * that needs answers from registries, which the caller looks up (I/O, within one time budget for
   * both) and hands back, so the pass itself stays pure: {@link Pass#mirrorCandidates()} for {@link
   * Pass#digestCandidates}, whose images for {@link Pass#finish}.
   */
  public Pass begin(Pod pod, RuleMatch match, MutationScope scope) {
    return new Pass(pod, match, scope, this);
  }

  Parsed parse(String image) {
    if (image == null || image.length() > MAX_PARSED_CHARS) {
      return parseNow(image);
    }
    if (parsed.size() >= MAX_PARSED && !parsed.containsKey(image)) {
      parsed.clear();
    }
    return parsed.computeIfAbsent(image, PodMutator::parseNow);
  }

  private static Parsed parseNow(String image) {
    try {
      return new Parsed(ImageReference.parse(image), null);
    } catch (InvalidImageSyntaxException e) {
      return new Parsed(null, e.getMessage());
    }
  }
}
