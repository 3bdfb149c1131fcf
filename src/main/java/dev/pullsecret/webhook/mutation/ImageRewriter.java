package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.rules.ImageOptions;
import dev.pullsecret.webhook.rules.ImageOptions.RegistryMirror;
import dev.pullsecret.webhook.rules.NamespaceRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pins an untagged or {@code :latest} image and sends it to a mirror, as the rule's image options
 * say. Digest-pinned images are never retagged. The output is a fixed point: pinned images carry a
 * tag and mirrored ones a registry that no mirror source matches (rules with such loops are
 * refused), so a second pass changes nothing.
 */
final class ImageRewriter implements MutationStep {

  @Override
  public StepResult apply(PodView pod, NamespaceRule rule) {
    ImageOptions options = rule.images();
    if (options.isNone()) {
      return StepResult.NONE;
    }
    // Replicas and sidecars repeat images: rewrite each distinct image once per pass.
    Map<ImageReference, Rewrite> rewrites = new HashMap<>();
    return pod.changeEachRewritable(
        c -> {
          Rewrite rewrite = rewrites.computeIfAbsent(c.image(), image -> rewrite(image, options));
          return rewrite.why().isEmpty()
              ? Optional.empty()
              : Optional.of(
                  new ImageRewritten(
                      c.container(), c.container().image(), rewrite.to(), rewrite.why()));
        });
  }

  /** What the options make of one image: {@code why} is empty when they leave it as it is. */
  private record Rewrite(ImageReference to, String why) {}

  private static Rewrite rewrite(ImageReference image, ImageOptions options) {
    List<String> why = new ArrayList<>(2);
    ImageReference result = mirror(pin(image, options, why), options, why);
    return new Rewrite(result, String.join(", ", why));
  }

  private static ImageReference pin(ImageReference image, ImageOptions options, List<String> why) {
    if (!image.isUntaggedOrLatest() || options.pinLatest().isEmpty()) {
      return image;
    }
    Optional<String> tag = options.pinLatest().get().tagFor(image);
    if (tag.isEmpty()) {
      return image;
    }
    why.add((image.hasTag() ? "pinned latest" : "pinned untagged image") + " to " + tag.get());
    return image.withTag(tag.get());
  }

  private static ImageReference mirror(
      ImageReference image, ImageOptions options, List<String> why) {
    for (RegistryMirror mirror : options.mirrors()) {
      Optional<ImageReference> mirrored = mirror.rewrite(image);
      if (mirrored.isPresent()) {
        why.add("mirror " + mirror.from() + " -> " + mirror.target());
        return mirrored.get();
      }
    }
    return image;
  }
}
