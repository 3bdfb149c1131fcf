package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.rules.NamespaceRule;
import java.util.Optional;

/**
 * Pins each image whose tag the rule resolves to the digest the registry served for it: {@code
 * repo:tag@sha256:...}, the tag kept for humans, the digest for the kubelet (which pulls by digest
 * when both are present). Runs after pin and mirror, so it pins the image the pod will pull, and
 * before the pull policy is decided, which then treats the image as any digest-pinned one.
 *
 * <p>Pure: the {@code digests} were looked up before the step. An image without one is left as it
 * is, with a warning that says why (a failed lookup, or none made). Images already pinned by digest
 * are never looked up, so a second pass over the output changes nothing.
 */
record DigestPinner(ResolvedDigests digests) implements MutationStep {

  @Override
  public void apply(PendingPatch pod, NamespaceRule rule) {
    for (PendingPatch.ContainerImage c : pod.rewritableContainers()) {
      ImageReference image = c.image();
      if (!rule.images().resolvesDigestOf(image)) {
        continue;
      }
      Optional<String> digest = digests.digest(image);
      if (digest.isPresent()) {
        var pinned = new ImageReference(image.domain(), image.path(), image.tag(), digest.get());
        String tag = image.hasTag() ? image.tag() : "latest";
        pod.record(
            new ImageRewritten(
                c.container(),
                c.container().image(),
                pinned,
                "resolved " + tag + " to its digest"));
      } else {
        pod.warn(c.container(), unpinned(image));
      }
    }
  }

  /**
   * Why an image keeps its tag: its lookup failed, and the webhook admits it as it is; or no lookup
   * was made (preview without --resolve), which says nothing of what the webhook would do.
   */
  private String unpinned(ImageReference image) {
    return digests
        .failure(image)
        .map(why -> image + " not resolved to a digest (" + why + "); left as it is")
        .orElseGet(() -> "digest of " + image + " not looked up (" + digests.notLookedUp() + ")");
  }
}
