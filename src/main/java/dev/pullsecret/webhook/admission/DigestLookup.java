package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.ResolvedDigests;
import dev.pullsecret.webhook.registry.DigestResolver;
import dev.pullsecret.webhook.registry.Lookup;
import dev.pullsecret.webhook.registry.LookupObserver;
import dev.pullsecret.webhook.registry.RegistryCredentials;
import dev.pullsecret.webhook.rules.ImageOptions.RegistryMirror;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.PullSecret;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Asks registries about one review's images between the steps of the pure mutation pass ({@link
 * dev.pullsecret.webhook.mutation.PodMutator#begin}), one manifest {@code HEAD} per image, in
 * parallel, each with the credential of the rule's pull secret for its registry (anonymous when the
 * webhook has none), sharing the cache, the bound on lookups in flight and the review's one time
 * budget. It answers within that budget whatever the registries do, and never throws: an image it
 * cannot answer for is a failure in the result, with the reason.
 *
 * @param resolver null: no lookups are made, and every image is not looked up ({@link #OFF})
 * @param budget 1.5 s by default, well inside the registration's {@code timeoutSeconds} (the chart:
 *     5 s), leaving the API server time for the rest of the call
 * @param noAnswer why an image without an answer has none
 */
public record DigestLookup(
    DigestResolver resolver,
    RegistryCredentials credentials,
    Duration budget,
    LookupObserver observer,
    String noAnswer) {

  /**
   * Whether a review may wait for registries: bound by the HTTP layer ({@code BodyReader} says
   * why), asked once, before the first lookup. One that may not gets cached answers only, the rest
   * {@code timeout}, as with a budget of zero. Unbound: it may.
   */
  public static final ScopedValue<BooleanSupplier> MAY_WAIT = ScopedValue.newInstance();

  public static final DigestLookup OFF = notLookedUp("registry lookups are off");

  /**
   * The most images one review asks mirrors about, and then the most whose digests it asks for.
   * Real pods have a few distinct images; a pod of hundreds of made-up images must not turn one
   * review into hundreds of requests, nor take every lookup slot of the process and push real
   * images out of the cache. Those past it are not looked up: kept off the mirrors, not pinned.
   */
  public static final int MAX_LOOKUPS = 128;

  public DigestLookup(
      DigestResolver resolver,
      RegistryCredentials credentials,
      Duration budget,
      LookupObserver observer) {
    this(resolver, credentials, budget, observer, "the resolver gave no answer for it");
  }

  /** Lookups that ask nothing, and say why. */
  public static DigestLookup notLookedUp(String why) {
    return new DigestLookup(null, null, null, null, why);
  }

  /**
   * The lookups of one review under {@code rule}, whose pull secrets say which credentials they may
   * use. The review's time budget starts with its first round that names an image.
   */
  public Review forReview(NamespaceRule rule) {
    return new Review(rule);
  }

  /** One review's lookups, in the order the pass needs them; used by its request thread only. */
  public final class Review {

    private final NamespaceRule rule;
    private DigestResolver.Budget started;

    private Review(NamespaceRule rule) {
      this.rule = rule;
    }

    /**
     * Whether each {@code when: present} mirror holds the image at it (given with that mirror, for
     * metrics): whether it has a digest there; a failure is {@code absent: ...}, {@code error: ...}
     * or {@code timeout: ...}.
     */
    public ResolvedDigests mirrors(Map<ImageReference, RegistryMirror> images) {
      return resolveAll(images.keySet(), images);
    }

    /** The digests of the images (as the pod will pull them) whose tags the rule resolves. */
    public ResolvedDigests digests(Set<ImageReference> images) {
      return resolveAll(images, null);
    }

    /** {@code mirrors}: the mirror each image is asked at; null: digests are asked for. */
    private ResolvedDigests resolveAll(
        Collection<ImageReference> images, Map<ImageReference, RegistryMirror> mirrors) {
      if (resolver == null) {
        return ResolvedDigests.notLookedUp(noAnswer);
      }
      if (images.isEmpty()) {
        return ResolvedDigests.NONE;
      }
      if (started == null) {
        boolean mayWait = !MAY_WAIT.isBound() || MAY_WAIT.get().getAsBoolean();
        started = resolver.budget(mayWait ? budget : Duration.ZERO);
      }
      Map<ImageReference, String> failures = new HashMap<>();
      Map<ImageReference, Optional<RegistryCredential>> requests = new LinkedHashMap<>();
      for (ImageReference image : images) {
        if (requests.size() == MAX_LOOKUPS) {
          failures.put(
              image,
              (mirrors == null ? "timeout: not looked up: over " : "not looked up: over ")
                  + MAX_LOOKUPS
                  + (mirrors == null ? " images to resolve" : " images to ask mirrors about")
                  + " in one review");
          continue;
        }
        // The rule's pull secrets that serve the image's registry, as the kubelet would try them.
        List<String> secrets =
            rule.pullSecrets().stream()
                .filter(secret -> secret.servesAnyOf(List.of(image)))
                .map(PullSecret::name)
                .toList();
        requests.put(image, credentials.forImage(image, secrets));
      }
      Map<ImageReference, String> found = new HashMap<>();
      resolver
          .resolveAll(requests, started)
          .forEach(
              (image, answer) -> {
                String result = mirrors == null ? answer.digestResult() : answer.mirrorResult();
                if (mirrors == null) {
                  observer.resolved(result);
                } else {
                  observer.mirrorChecked(mirrors.get(image).target(), result);
                }
                switch (answer.lookup()) {
                  case Lookup.Found f -> found.put(image, f.digest());
                  case Lookup.Failed f ->
                      failures.put(
                          image,
                          (mirrors == null ? f.failure().name().toLowerCase(Locale.ROOT) : result)
                              + ": "
                              + f.detail());
                }
              });
      return new ResolvedDigests(found, failures, noAnswer);
    }
  }
}
