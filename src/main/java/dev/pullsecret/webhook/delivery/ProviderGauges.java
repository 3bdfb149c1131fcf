package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
    for (String gone : gauges.keySet().stream().filter(n -> !names.contains(n)).toList()) {
      gauges.remove(gone).forEach(registry::remove);
    }
    for (PullSecret secret : current) {
      gauges.computeIfAbsent(
          secret.name(),
          name ->
              List.of(
                  gauge(
                      "pullsecret.provider.credentials.remaining",
                      "Seconds until the credentials from a provider expire (negative once"
                          + " expired; NaN when not known)",
                      secret,
                      state -> clock.instant()),
                  gauge(
                      "pullsecret.provider.credentials.lifetime",
                      "How long the credentials from a provider last, all in all",
                      secret,
                      GeneratedSecret.State::obtainedAt)));
    }
  }

  /** Seconds from {@code from} to the expiry of {@code secret}'s credentials; NaN if not known. */
  private Gauge gauge(
      String name,
      String description,
      PullSecret secret,
      Function<GeneratedSecret.State, Instant> from) {
    return Gauge.builder(
            name,
            this,
            gauges ->
                sources
                    .apply(secret.source())
                    .flatMap(GeneratedSecret::state)
                    .filter(state -> state.expiresAt() != null)
                    .map(
                        state ->
                            Duration.between(from.apply(state), state.expiresAt()).toMillis()
                                / 1000.0)
                    .orElse(Double.NaN))
        .description(description)
        .baseUnit("seconds")
        .tag("pull_secret", secret.name())
        .register(registry);
  }
}
