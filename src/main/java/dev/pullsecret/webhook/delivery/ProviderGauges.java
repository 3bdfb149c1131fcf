package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The gauges of credentials from providers, per pull secret: seconds until they expire, and how
 * long they last ({@code pullsecret_provider_credentials_remaining_seconds} and {@code
 * _lifetime_seconds}), read from the watched generated Secret at each scrape: every replica exports
 * what pods get, whoever leads.
 */
final class ProviderGauges {

  private final MeterRegistry registry;
  private final Function<SecretSource, Optional<Secret>> sources;
  private final Clock clock;
  private final Map<String, List<Gauge>> gauges = new HashMap<>();

  ProviderGauges(
      MeterRegistry registry, Function<SecretSource, Optional<Secret>> sources, Clock clock) {
    this.registry = registry;
    this.sources = sources;
    this.clock = clock;
  }

  /**
   * One gauge of each kind per pull secret with a provider, read from the watched Secret at each
   * scrape; pull secrets gone from the rules take theirs with them.
   */
  synchronized void follow(List<PullSecret> current) {
    Set<String> names = current.stream().map(PullSecret::name).collect(Collectors.toSet());
    gauges
        .entrySet()
        .removeIf(
            entry -> {
              if (names.contains(entry.getKey())) {
                return false;
              }
              entry.getValue().forEach(registry::remove);
              return true;
            });
    for (PullSecret secret : current) {
      gauges.computeIfAbsent(
          secret.name(),
          name ->
              List.of(
                  Gauge.builder(
                          "pullsecret.provider.credentials.remaining",
                          this,
                          gauges -> gauges.remaining(secret.source()))
                      .description(
                          "Seconds until the credentials from a provider expire (negative once"
                              + " expired; NaN when not known)")
                      .baseUnit("seconds")
                      .tag("pull_secret", name)
                      .register(registry),
                  Gauge.builder(
                          "pullsecret.provider.credentials.lifetime",
                          this,
                          gauges -> gauges.lifetime(secret.source()))
                      .description("How long the credentials from a provider last, all in all")
                      .baseUnit("seconds")
                      .tag("pull_secret", name)
                      .register(registry)));
    }
  }

  private double remaining(SecretSource source) {
    return sources
        .apply(source)
        .flatMap(GeneratedSecret::state)
        .filter(state -> state.expiresAt() != null)
        .map(state -> Duration.between(clock.instant(), state.expiresAt()).toMillis() / 1000.0)
        .orElse(Double.NaN);
  }

  private double lifetime(SecretSource source) {
    return sources
        .apply(source)
        .flatMap(GeneratedSecret::state)
        .filter(state -> state.expiresAt() != null)
        .map(state -> Duration.between(state.obtainedAt(), state.expiresAt()).toMillis() / 1000.0)
        .orElse(Double.NaN);
  }
}
