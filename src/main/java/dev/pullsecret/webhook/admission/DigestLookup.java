package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.ResolvedDigests;
import dev.pullsecret.webhook.rules.ImageOptions.RegistryMirror;
import dev.pullsecret.webhook.rules.NamespaceRule;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Asks registries about one review's images between the steps of the pure mutation pass ({@link
 * dev.pullsecret.webhook.mutation.PodMutator#begin}), one manifest {@code HEAD} per image, sharing
 * the cache, the bound on lookups in flight and the review's one time budget. An implementation
 * answers within that budget whatever the registries do, and never throws: an image it cannot
 * answer for is a failure in the result, with the reason.
 */
@FunctionalInterface
public interface DigestLookup {

  /**
   * Whether a review may wait for registries: bound by the HTTP layer ({@code BodyReader} says
   * why), asked once, before the first lookup. One that may not gets cached answers only, the rest
   * {@code timeout}, as with a budget of zero. Unbound: it may.
   */
  ScopedValue<BooleanSupplier> MAY_WAIT = ScopedValue.newInstance();

  /** No lookups: every image is reported as not looked up. */
  DigestLookup OFF = notLookedUp("registry lookups are off");

  /**
   * The lookups of one review under {@code rule}, whose pull secrets say which credentials they may
   * use. The review's time budget starts with its first round that names an image.
   */
  Review forReview(NamespaceRule rule);

  /** Lookups that ask nothing, and say why. */
  static DigestLookup notLookedUp(String why) {
    ResolvedDigests none = ResolvedDigests.notLookedUp(why);
    return rule -> images -> none;
  }

  /** In the order the pass needs them; no image, no request. */
  @FunctionalInterface
  interface Review {

    /**
     * Whether each {@code when: present} mirror holds the image at it (given with that mirror, for
     * metrics): by default, whether it has a digest there; a failure is {@code absent: ...}, {@code
     * error: ...} or {@code timeout: ...}.
     */
    default ResolvedDigests mirrors(Map<ImageReference, RegistryMirror> images) {
      return digests(images.keySet());
    }

    /** The digests of the images (as the pod will pull them) whose tags the rule resolves. */
    ResolvedDigests digests(Set<ImageReference> images);
  }
}
