package dev.pullsecret.webhook.providers;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a provider gave for all the registries of a pull secret: the auths entries of its answers
 * (the first answer's entry wins a key given twice), when they were asked for, and how long the
 * shortest-lived of them lasts. Its {@code toString()} shows no credential ({@link
 * RegistryCredential#toString()}).
 *
 * @param lifetime the answers' {@code cacheDuration}, or the provider's {@code
 *     defaultCacheDuration}, the shortest of those known; zero when the plugin says not to keep
 *     them (the kubelet would ask again for every pull), so that when they expire is not known
 * @param notToKeep whether an answer said not to keep its credentials (a {@code cacheDuration} of
 *     0), even if another's lifetime is known: they are renewed as those of unknown lifetime too
 */
public record ProviderCredentials(
    List<RegistryCredential> auth, Instant obtainedAt, Duration lifetime, boolean notToKeep) {

  public ProviderCredentials {
    auth = List.copyOf(auth);
    notToKeep |= lifetime.isZero();
  }

  /** Credentials of one lifetime: zero says not to keep them. */
  public ProviderCredentials(List<RegistryCredential> auth, Instant obtainedAt, Duration lifetime) {
    this(auth, obtainedAt, lifetime, lifetime.isZero());
  }

  /** When they expire; empty when the plugin did not say how long they last. */
  public Optional<Instant> expiresAt() {
    return lifetime.isZero() ? Optional.empty() : Optional.of(obtainedAt.plus(lifetime));
  }
}
