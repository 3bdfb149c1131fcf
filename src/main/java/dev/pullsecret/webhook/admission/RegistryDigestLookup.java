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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lookups at the registries, within one time budget per review: the images of one pod in parallel,
 * each with the credential of the rule's pull secret for its registry (anonymous when the webhook
 * has none), the mirrors' presence first, then the digests, both rounds by the same deadline.
 *
 * <p>The budget must stay well inside the registration's {@code timeoutSeconds} (the chart: 5 s),
 * leaving the API server time for the rest of the call: 1.5 s by default.
 */
public record RegistryDigestLookup(
    DigestResolver resolver,
    RegistryCredentials credentials,
    Duration budget,
    LookupObserver observer)
    implements DigestLookup {

  /**
   * The most images one review asks mirrors about. Real pods have a few distinct images, each with
   * a short chain of mirrors; a pod of hundreds of made-up images must not turn one review into
   * hundreds of requests. Those past it are kept off the mirrors, as not looked up.
   */
  public static final int MAX_MIRROR_LOOKUPS = 128;

  @Override
  public Review forReview(NamespaceRule rule) {
    return new ReviewLookups(rule);
  }

  /** One review's lookups; used by its request thread only. */
  private final class ReviewLookups implements Review {

    private final NamespaceRule rule;
    private DigestResolver.Budget started;

    ReviewLookups(NamespaceRule rule) {
      this.rule = rule;
    }

    @Override
    public ResolvedDigests mirrors(Map<ImageReference, RegistryMirror> images) {
      Map<ImageReference, String> present = new HashMap<>();
      Map<ImageReference, String> failures = new HashMap<>();
      List<ImageReference> asked = new ArrayList<>(images.keySet());
      if (asked.size() > MAX_MIRROR_LOOKUPS) {
        for (ImageReference image : asked.subList(MAX_MIRROR_LOOKUPS, asked.size())) {
          failures.put(
              image,
              "not looked up: over "
                  + MAX_MIRROR_LOOKUPS
                  + " images to ask mirrors about in one review");
        }
        asked = asked.subList(0, MAX_MIRROR_LOOKUPS);
      }
      resolveAll(asked)
          .forEach(
              (image, answer) -> {
                String result = answer.mirrorResult();
                observer.mirrorChecked(images.get(image).target(), result);
                switch (answer.lookup()) {
                  case Lookup.Found found -> present.put(image, found.digest());
                  case Lookup.Failed failed -> failures.put(image, result + ": " + failed.detail());
                }
              });
      return new ResolvedDigests(present, failures, "the resolver gave no answer for it");
    }

    @Override
    public ResolvedDigests digests(Set<ImageReference> images) {
      Map<ImageReference, String> digests = new HashMap<>();
      Map<ImageReference, String> failures = new HashMap<>();
      resolveAll(images)
          .forEach(
              (image, answer) -> {
                observer.resolved(answer.digestResult());
                switch (answer.lookup()) {
                  case Lookup.Found found -> digests.put(image, found.digest());
                  case Lookup.Failed failed ->
                      failures.put(
                          image,
                          failed.failure().name().toLowerCase(Locale.ROOT)
                              + ": "
                              + failed.detail());
                }
              });
      return new ResolvedDigests(digests, failures, "the resolver gave no answer for it");
    }

    private Map<ImageReference, DigestResolver.Answer> resolveAll(
        Collection<ImageReference> images) {
      if (started == null) {
        started = resolver.budget(budget); // the review's one budget, from its first lookup
      }
      Map<ImageReference, Optional<RegistryCredential>> requests = new LinkedHashMap<>();
      for (ImageReference image : images) {
        requests.put(image, credentials.forImage(image, secretsFor(image, rule)));
      }
      return resolver.resolveAll(requests, started);
    }
  }

  /** The rule's pull secrets that serve the image's registry, as the kubelet would try them. */
  private static List<String> secretsFor(ImageReference image, NamespaceRule rule) {
    return rule.pullSecrets().stream()
        .filter(secret -> secret.servesAnyOf(List.of(image)))
        .map(PullSecret::name)
        .toList();
  }
}
