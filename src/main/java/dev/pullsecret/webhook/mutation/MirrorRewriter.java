package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.rules.ImageOptions;
import dev.pullsecret.webhook.rules.ImageOptions.RegistryMirror;
import dev.pullsecret.webhook.rules.NamespaceRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sends each image to the first mirror of its chain ({@link ImageOptions#mirrorsFor}) that takes
 * it: an unconditional mirror always does; a {@code when: present} mirror only if it holds the
 * image ({@code presence}, looked up before the step). An image no mirror takes is kept as it is,
 * with a warning per mirror skipped and why: a mirror that lacks an image, refuses, fails or does
 * not answer in time never breaks a pod.
 *
 * <p>The output is a fixed point: mirrored images carry a registry that no mirror source matches
 * (rules with such loops are refused), and a kept image is asked about again on the next pass,
 * whose answer the cache keeps for the re-invocation that follows.
 */
record MirrorRewriter(ResolvedDigests presence) {

  void apply(PendingPatch pod, NamespaceRule rule) {
    ImageOptions options = rule.images();
    if (options.mirrors().isEmpty()) {
      return;
    }
    // Replicas and sidecars repeat images: decide each distinct image once per pass.
    Map<ImageReference, Decision> decisions = new HashMap<>();
    for (PendingPatch.ContainerImage c : pod.rewritableContainers()) {
      Decision decision = decisions.computeIfAbsent(c.image(), image -> decide(image, options));
      if (decision.to() != null) {
        c.rewrite(decision.to(), decision.why());
      }
      if (!decision.skips().isEmpty()) {
        c.mirrorSkipped = true;
        decision.skips().forEach(skip -> pod.warn(c.container, skip));
      }
    }
  }

  /**
   * What the chain makes of one image: the image at the mirror that took it ({@code to} null when
   * none did), why, and the mirrors skipped before it, each with why.
   */
  private record Decision(ImageReference to, String why, List<String> skips) {}

  private static final Decision KEPT = new Decision(null, "", List.of());

  private Decision decide(ImageReference image, ImageOptions options) {
    List<RegistryMirror> chain = options.mirrorsFor(image);
    List<String> skips = List.of();
    for (RegistryMirror mirror : chain) {
      ImageReference target = mirror.rewrite(image).orElse(null);
      if (target == null) {
        skips = skipped(skips, chain, image, mirror, "its name there would be too long");
        continue;
      }
      String rewrite = "mirror " + mirror.from() + " -> " + mirror.target();
      if (!mirror.whenPresent()) {
        return new Decision(target, rewrite, skips);
      }
      if (presence.digest(target).isPresent()) {
        return new Decision(target, rewrite + ", which has it", skips);
      }
      skips = skipped(skips, chain, image, mirror, why(target));
    }
    if (skips.isEmpty()) {
      return KEPT;
    }
    int last = skips.size() - 1;
    skips.set(last, skips.get(last) + "; left as it is");
    return new Decision(null, "", skips);
  }

  private static List<String> skipped(
      List<String> skips,
      List<RegistryMirror> chain,
      ImageReference image,
      RegistryMirror mirror,
      String why) {
    List<String> more = skips.isEmpty() ? new ArrayList<>(chain.size()) : skips;
    more.add(image + " not sent to mirror " + mirror.target() + " (" + why + ")");
    return more;
  }

  /** Why a mirror did not take an image: what it answered, or that it was not asked. */
  private String why(ImageReference target) {
    return presence.failure(target).orElseGet(() -> "not looked up: " + presence.notLookedUp());
  }

  /** {@link PodMutator.Pass#mirrorCandidates()}, in container and chain order. */
  static Map<ImageReference, RegistryMirror> candidates(PendingPatch pod, ImageOptions options) {
    if (!options.hasConditionalMirrors()) {
      return Map.of();
    }
    Map<ImageReference, RegistryMirror> candidates = new LinkedHashMap<>();
    Set<ImageReference> seen = new HashSet<>();
    for (PendingPatch.ContainerImage c : pod.rewritableContainers()) {
      if (!seen.add(c.image())) {
        continue;
      }
      for (RegistryMirror mirror : options.mirrorsFor(c.image())) {
        if (mirror.whenPresent()) {
          mirror.rewrite(c.image()).ifPresent(target -> candidates.putIfAbsent(target, mirror));
        }
      }
    }
    return candidates;
  }
}
