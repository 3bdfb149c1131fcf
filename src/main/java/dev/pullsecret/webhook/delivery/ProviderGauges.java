package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The gauges of credentials from providers, per pull secret: seconds until they expire, and how
 * long they last ({@code pullsecret_provider_credentials_remaining_seconds} and {@code
 * _lifetime_seconds}), read from the watched generated Secret at each scrape: every replica exports
 * what pods get, whoever leads.
 */
final class ProviderGauges {

  private final Function<SecretSource, Optional<Secret>> sources;
  private final Clock clock;
  private final MultiGauge remaining;
  private final MultiGauge lifetime;

  ProviderGauges(
      MeterRegistry registry, Function<SecretSource, Optional<Secret>> sources, Clock clock) {
    this.sources = sources;
    this.clock = clock;
    this.remaining =
        MultiGauge.builder("pullsecret.provider.credentials.remaining")
            .description(
                "Seconds until the credentials from a provider expire (negative once expired; NaN"
                    + " when not known)")
            .baseUnit("seconds")
            .register(registry);
    this.lifetime =
        MultiGauge.builder("pullsecret.provider.credentials.lifetime")
            .description("How long the credentials from a provider last, all in all")
            .baseUnit("seconds")
            .register(registry);
  }

  /**
   * One gauge of each kind per pull secret with a provider, read from the watched Secret at each
   * scrape; pull secrets gone from the rules take theirs with them.
   */
  synchronized void follow(List<PullSecret> current) {
    remaining.register(rows(current, state -> clock.instant()));
    lifetime.register(rows(current, GeneratedSecret.State::obtainedAt));
  }

  private List<MultiGauge.Row<?>> rows(
      List<PullSecret> current, Function<GeneratedSecret.State, Instant> from) {
    return current.stream()
        .<MultiGauge.Row<?>>map(
            secret ->
                MultiGauge.Row.of(
                    Tags.of("pull_secret", secret.name()), () -> seconds(secret, from)))
        .toList();
  }

  /** Seconds from {@code from} to the expiry of {@code secret}'s credentials; NaN if not known. */
  private double seconds(PullSecret secret, Function<GeneratedSecret.State, Instant> from) {
    return sources
        .apply(secret.source())
        .flatMap(GeneratedSecret::state)
        .filter(state -> state.expiresAt() != null)
        .map(state -> Duration.between(from.apply(state), state.expiresAt()).toMillis() / 1000.0)
        .orElse(Double.NaN);
  }
}
