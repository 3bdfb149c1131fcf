package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.mutation.Change.PullPolicySet;
import dev.pullsecret.webhook.rules.ImageOptions;
import dev.pullsecret.webhook.rules.ImageOptions.PullPolicyOverride;
import dev.pullsecret.webhook.rules.NamespaceRule;

/**
 * Decides each container's {@code imagePullPolicy} for the image the earlier steps left it with.
 *
 * <p>The API server defaults the policy before mutating webhooks run: {@code Always} for untagged
 * and {@code :latest} images, {@code IfNotPresent} otherwise. When a rewrite changes which case an
 * image is in, that default is stale and is decided again for the new image, unless the rule sets
 * the policy itself. Runs after every step that rewrites images.
 */
final class PullPolicyDecider implements MutationStep {

  private static final String ALWAYS = "Always";
  private static final String IF_NOT_PRESENT = "IfNotPresent";

  @Override
  public void apply(PendingPatch pod, NamespaceRule rule) {
    ImageOptions options = rule.images();
    if (options.isNone()) {
      return;
    }
    for (PendingPatch.ContainerImage c : pod.rewritableContainers()) {
      String wanted = wanted(c, options);
      if (wanted != null && !wanted.equals(c.pullPolicy())) {
        pod.record(new PullPolicySet(c.container(), c.pullPolicy(), wanted));
      }
    }
  }

  private static String wanted(PendingPatch.ContainerImage c, ImageOptions options) {
    String current = c.pullPolicy();
    if (options.imagePullPolicy().isPresent()) {
      PullPolicyOverride override = options.imagePullPolicy().get();
      return !c.image().hasDigest() || override.includeDigestPinned() ? override.policy() : current;
    }
    if (c.original().isUntaggedOrLatest()
        && !c.image().isUntaggedOrLatest()
        && (current == null || ALWAYS.equals(current))) {
      return IF_NOT_PRESENT;
    }
    return current;
  }
}
