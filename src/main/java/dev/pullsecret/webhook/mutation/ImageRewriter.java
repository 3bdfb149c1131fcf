package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.mutation.Change.PullPolicySet;
import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.rules.ImageOptions;
import dev.pullsecret.webhook.rules.ImageOptions.PullPolicyOverride;
import dev.pullsecret.webhook.rules.ImageOptions.RegistryMirror;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies a rule's image options to one container: pin an untagged or {@code :latest} image, send
 * it to a mirror, then decide its pull policy. Digest-pinned images are never retagged. The output
 * of a pass is a fixed point: pinned images carry a tag and mirrored ones a registry that no mirror
 * source matches (rules with such loops are refused), so a second pass changes nothing.
 */
final class ImageRewriter {

  private static final String ALWAYS = "Always";
  private static final String IF_NOT_PRESENT = "IfNotPresent";

  private ImageRewriter() {}

  /** Returns the image the container will pull after this pass. */
  static ImageReference rewrite(
      PodContainer container, ImageReference image, ImageOptions options, Mutation.Builder out) {
    List<String> why = new ArrayList<>(2);
    ImageReference result = pin(image, options, why);
    result = mirror(result, options, why);
    if (!why.isEmpty()) {
      String to = result.toString();
      var change = new ImageRewritten(container, container.image(), to, String.join(", ", why));
      out.apply(PatchOperation.add(container.pointer("image"), to), List.of(change));
    }
    decidePullPolicy(container, image, result, options, out);
    return result;
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

  /**
   * The API server defaults the policy before mutating webhooks run: {@code Always} for untagged
   * and {@code :latest} images, {@code IfNotPresent} otherwise. When a pin changes which case an
   * image is in, that default is stale and is decided again for the new image, unless the rule sets
   * the policy itself.
   */
  private static void decidePullPolicy(
      PodContainer container,
      ImageReference before,
      ImageReference after,
      ImageOptions options,
      Mutation.Builder out) {
    String current = container.imagePullPolicy();
    String wanted = current;
    if (options.imagePullPolicy().isPresent()) {
      PullPolicyOverride override = options.imagePullPolicy().get();
      if (!after.hasDigest() || override.includeDigestPinned()) {
        wanted = override.policy();
      }
    } else if (before.isUntaggedOrLatest()
        && !after.isUntaggedOrLatest()
        && (current == null || ALWAYS.equals(current))) {
      wanted = IF_NOT_PRESENT;
    }
    if (wanted != null && !wanted.equals(current)) {
      var change = new PullPolicySet(container, current, wanted);
      out.apply(PatchOperation.add(container.pointer("imagePullPolicy"), wanted), List.of(change));
    }
  }
}
