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
    for (PendingPatch.ContainerImage c : pod.rewritableContainers()) {
      ImageReference image = c.image();
      Optional<String> tag =
          image.isUntaggedOrLatest() ? pinning.get().tagFor(image) : Optional.empty();
      if (tag.isPresent()) {
        String why = image.hasTag() ? "pinned latest" : "pinned untagged image";
        pod.record(
            new ImageRewritten(
                c.container(),
                c.container().image(),
                image.withTag(tag.get()),
                why + " to " + tag.get()));
      }
    }
  }
}
