package dev.pullsecret.webhook.providers;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a plugin answered: its {@code auth} entries (key: a registry or a matchImages-like pattern)
 * and how long they last, when it says ({@code cacheDuration}; otherwise the provider's {@code
 * defaultCacheDuration} applies). Its {@code toString()} shows no credential ({@link
 * RegistryCredential#toString()}).
 */
public record PluginAnswer(List<RegistryCredential> auth, Optional<Duration> cacheDuration) {

  public PluginAnswer {
    auth = List.copyOf(auth);
  }
}
