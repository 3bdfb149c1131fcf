package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.ResolvedDigests;
import dev.pullsecret.webhook.registry.DigestResolver;
import dev.pullsecret.webhook.registry.Lookup;
import dev.pullsecret.webhook.registry.RegistryCredentials;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.PullSecret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Digest lookups at the registries, within a time budget per review: the images of one pod in
 * parallel, each with the credential of the rule's pull secret for its registry (anonymous when the
 * webhook has none).
 *
 * <p>The budget must stay well inside the registration's {@code timeoutSeconds} (the chart: 5 s),
 * leaving the API server time for the rest of the call: 1.5 s by default.
 */
public final class RegistryDigestLookup implements DigestLookup {

  private final DigestResolver resolver;
  private final RegistryCredentials credentials;
  private final Duration budget;

  public RegistryDigestLookup(
      DigestResolver resolver, RegistryCredentials credentials, Duration budget) {
    this.resolver = resolver;
    this.credentials = credentials;
    this.budget = budget;
  }

  @Override
  public ResolvedDigests resolve(Set<ImageReference> images, NamespaceRule rule) {
    Map<ImageReference, Optional<RegistryCredential>> requests = new LinkedHashMap<>();
    for (ImageReference image : images) {
      requests.put(image, credentials.forImage(image, secretsFor(image, rule)));
    }
    Map<ImageReference, String> digests = new HashMap<>();
    Map<ImageReference, String> failures = new HashMap<>();
    resolver
        .resolveAll(requests, budget)
        .forEach(
            (image, lookup) -> {
              switch (lookup) {
                case Lookup.Found found -> digests.put(image, found.digest());
                case Lookup.Failed failed ->
                    failures.put(
                        image,
                        failed.failure().name().toLowerCase(Locale.ROOT) + ": " + failed.detail());
              }
            });
    return new ResolvedDigests(digests, failures, "the resolver gave no answer for it");
  }

  /** The rule's pull secrets that serve the image's registry, as the kubelet would try them. */
  private static List<String> secretsFor(ImageReference image, NamespaceRule rule) {
    List<String> names = new ArrayList<>();
    for (PullSecret secret : rule.pullSecrets()) {
      if (secret.servesAnyOf(List.of(image))) {
        names.add(secret.name());
      }
    }
    return names;
  }
}
