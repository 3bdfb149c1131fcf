package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.ResolvedDigests;
import dev.pullsecret.webhook.rules.NamespaceRule;
import java.util.Set;

/**
 * Resolves the tags of one review's images to digests, before the pure mutation pass. An
 * implementation must answer within its time budget whatever the registries do, and never throw: an
 * image it cannot resolve is a failure in the result, with the reason.
 */
@FunctionalInterface
public interface DigestLookup {

  /** No lookups: every image is reported as not looked up. */
  DigestLookup OFF = (images, rule) -> ResolvedDigests.notLookedUp("digest lookups are off");

  /**
   * @param images the images (as the pod will pull them) whose tags {@code rule} resolves
   * @param rule its pull secrets say which credentials a lookup may use
   */
  ResolvedDigests resolve(Set<ImageReference> images, NamespaceRule rule);
}
