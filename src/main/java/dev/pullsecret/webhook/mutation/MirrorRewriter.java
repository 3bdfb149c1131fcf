package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.rules.ImageOptions;
import dev.pullsecret.webhook.rules.ImageOptions.RegistryMirror;
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

  void apply(Pass pass, ImageOptions options) {
    if (options.mirrors().isEmpty()) {
      return;
    }
    // Replicas and sidecars repeat images: decide each distinct image once per pass.
    Map<ImageReference, Decision> decisions = new HashMap<>();
    for (ContainerImage c : pass.rewritable) {
      Decision decision = decisions.computeIfAbsent(c.image(), image -> decide(image, options));
      if (decision.to() != null) {
        c.rewrite(decision.to(), decision.why());
      }
      if (!decision.skips().isEmpty()) {
        c.mirrorSkipped = true;
        decision.skips().forEach(skip -> pass.warn(c.container, skip));
      }
    }
  }

  /** The image at the mirror that took it (null: none did), why, and each mirror skipped, why. */
  private record Decision(ImageReference to, String why, List<String> skips) {}

  private Decision decide(ImageReference image, ImageOptions options) {
    List<String> skips = new ArrayList<>();
    for (RegistryMirror mirror : options.mirrorsFor(image)) {
      ImageReference target = mirror.rewrite(image).orElse(null);
      String rewrite = "mirror " + mirror.from() + " -> " + mirror.target();
      if (target != null && !mirror.whenPresent()) {
        return new Decision(target, rewrite, skips);
      }
      if (target != null && presence.digest(target).isPresent()) {
        return new Decision(target, rewrite + ", which has it", skips);
      }
      String why = target == null ? "its name there would be too long" : why(target);
      skips.add(image + " not sent to mirror " + mirror.target() + " (" + why + ")");
    }
    if (!skips.isEmpty()) {
      skips.set(skips.size() - 1, skips.getLast() + "; left as it is");
    }
    return new Decision(null, "", skips);
  }

  /** Why a mirror did not take an image: what it answered, or that it was not asked. */
  private String why(ImageReference target) {
    return presence.failure(target).orElseGet(() -> "not looked up: " + presence.notLookedUp());
  }

  /** {@link Pass#mirrorCandidates()}, in container and chain order. */
  static Map<ImageReference, RegistryMirror> candidates(Pass pass, ImageOptions options) {
    if (!options.hasConditionalMirrors()) {
      return Map.of();
    }
    Map<ImageReference, RegistryMirror> candidates = new LinkedHashMap<>();
    Set<ImageReference> seen = new HashSet<>();
    for (ContainerImage c : pass.rewritable) {
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
