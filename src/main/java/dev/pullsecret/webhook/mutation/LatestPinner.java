package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.rules.ImageOptions.LatestPinning;
import dev.pullsecret.webhook.rules.NamespaceRule;
import java.util.Optional;

/**
 * Pins an untagged or {@code :latest} image to the tag the rule's {@code pinLatest} gives its
 * repository. Digest-pinned images are never retagged, and a pinned image carries a tag, so a
 * second pass changes nothing.
 */
final class LatestPinner implements MutationStep {

  @Override
  public void apply(PendingPatch pod, NamespaceRule rule) {
    Optional<LatestPinning> pinning = rule.images().pinLatest();
    if (pinning.isEmpty()) {
      return;
    }
    pod.changeEachRewritable(
        c -> {
          ImageReference image = c.image();
          if (!image.isUntaggedOrLatest()) {
            return Optional.empty();
          }
          return pinning
              .get()
              .tagFor(image)
              .map(
                  tag ->
                      new ImageRewritten(
                          c.container(),
                          c.container().image(),
                          image.withTag(tag),
                          (image.hasTag() ? "pinned latest" : "pinned untagged image")
                              + " to "
                              + tag));
        });
  }
}
