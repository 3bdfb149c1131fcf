package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.ResolvedDigests;
import dev.pullsecret.webhook.rules.ImageOptions.RegistryMirror;
import dev.pullsecret.webhook.rules.NamespaceRule;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Asks registries about one review's images between the steps of the pure mutation pass: whether
 * the {@code when: present} mirrors hold the images they may take, then the digests of the images
 * as they will be pulled. Both are one request per image (a manifest {@code HEAD}) and share the
 * cache, the bound on lookups in flight and the review's one time budget. An implementation must
 * answer within that budget whatever the registries do, and never throw: an image it cannot answer
 * for is a failure in the result, with the reason.
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
     * Whether each mirror holds the image: by default, whether it has a digest there; a failure is
     * {@code absent: ...}, {@code error: ...} or {@code timeout: ...}.
     *
     * @param images each image at a conditional mirror, with that mirror (for metrics)
     */
    default ResolvedDigests mirrors(Map<ImageReference, RegistryMirror> images) {
      return digests(images.keySet());
    }

    /**
     * @param images the images (as the pod will pull them) whose tags the rule resolves
     */
    ResolvedDigests digests(Set<ImageReference> images);
  }
}
