package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.delivery.SyncEvents.Reason;
import dev.pullsecret.webhook.delivery.SyncEvents.Regarding;
import dev.pullsecret.webhook.providers.PluginFailure;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What people are told of the credentials from providers: of each renewal, an Event on the
 * generated Secret (a failure once per distinct note) and a log line; per pull secret, gauges read
 * from the watched generated Secret at each scrape, so every replica exports what pods get.
 */
final class RenewalReports {

  // Logged under the renewals' name, where people look for them.
  private static final Logger log = LoggerFactory.getLogger(ProviderRenewals.class);

  private final SyncEvents events;
  private final Function<SecretSource, Optional<Secret>> sources;
  private final Clock clock;
  private final MultiGauge remaining;
  private final MultiGauge lifetime;

  RenewalReports(
      SyncEvents events,
      MeterRegistry registry,
      Function<SecretSource, Optional<Secret>> sources,
      Clock clock) {
    this.events = events;
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

  /** One gauge of each kind per pull secret with a provider: those gone from the rules lose it. */
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

  void renewed(PullSecret secret, GeneratedSecret.State state) {
    events.forget(regarding(secret), Reason.CredentialsRenewalFailed);
    String expiry =
        state.expiresAt() == null
            ? "the plugin said they are not to be kept, so their expiry is unknown"
            : "they expire at %s (after %s)"
                .formatted(
                    state.expiresAt(), Duration.between(state.obtainedAt(), state.expiresAt()));
    String note =
        "credentials of pull secret %s from provider %s for %s: %s; next renewal at %s"
            .formatted(
                secret.name(),
                secret.provider(),
                String.join(", ", secret.registries().stream().map(Object::toString).toList()),
                expiry,
                state.renewAt());
    events.normal(regarding(secret), Reason.CredentialsRenewed, note);
    log.info("Renewed {}: {}", secret.source(), note);
  }

  void notOurs(PullSecret secret) {
    events.warning(
        regarding(secret),
        Reason.CredentialsRenewalFailed,
        "a Secret named "
            + secret.source().name()
            + " exists and was not made by pullsecret-webhook, so the credentials of pull secret "
            + secret.name()
            + " are not written there; delete it or rename the pull secret");
  }

  void failed(PullSecret secret, Optional<GeneratedSecret.State> state, PluginFailure failure) {
    String kept =
        state
            .map(
                s ->
                    s.expiresAt() == null
                        ? "the credentials in this Secret, of unknown lifetime, are kept"
                        : s.expiresAt().isAfter(clock.instant())
                            ? "the credentials in this Secret are kept until they expire at "
                                + s.expiresAt()
                            : "the credentials in this Secret expired at "
                                + s.expiresAt()
                                + " and are kept, for want of better")
            .orElse("there are no credentials yet, so no copy of pull secret " + secret.name());
    String note =
        "renewing pull secret %s failed (%s): %s; %s; retrying with back-off"
            .formatted(secret.name(), failure.kind().label(), failure.getMessage(), kept);
    events.warning(regarding(secret), Reason.CredentialsRenewalFailed, note);
    log.warn("Credentials of {} not renewed: {}", secret.name(), note);
  }

  /** The generated Secret, which the Events are on. */
  private static Regarding regarding(PullSecret secret) {
    return new Regarding("Secret", secret.source().namespace(), secret.source().name());
  }
}
