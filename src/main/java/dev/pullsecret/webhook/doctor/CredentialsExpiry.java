package dev.pullsecret.webhook.doctor;

import dev.pullsecret.webhook.delivery.GeneratedSecret;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** When the credentials a provider put in a generated source expire, as the doctor tells it. */
final class CredentialsExpiry {

  private final Clock clock;

  CredentialsExpiry(Clock clock) {
    this.clock = clock;
  }

  /** What a generated source says of its provider's credentials: when they expire. */
  String describe(Optional<Secret> source) {
    Optional<GeneratedSecret.State> state = source.flatMap(GeneratedSecret::state);
    if (state.isEmpty()) {
      return "";
    }
    GeneratedSecret.State s = state.get();
    if (s.expiresAt() == null) {
      return " (provider " + s.provider() + "; expiry not known, renewed at " + s.renewAt() + ")";
    }
    Duration left = Duration.between(clock.instant(), s.expiresAt());
    return " (provider "
        + s.provider()
        + (left.isNegative() ? "; expired at " : "; expires at ")
        + s.expiresAt()
        + (left.isNegative() ? "" : ", in " + human(left))
        + ")";
  }

  boolean expired(Secret source) {
    return GeneratedSecret.state(source)
        .map(s -> s.expiresAt() != null && !s.expiresAt().isAfter(clock.instant()))
        .orElse(false);
  }

  /** {@code 5h59m}, {@code 12m}, {@code 40s}. */
  private static String human(Duration left) {
    if (left.toHours() > 0) {
      return left.toHours() + "h" + left.toMinutesPart() + "m";
    }
    return left.toMinutes() > 0 ? left.toMinutes() + "m" : left.toSeconds() + "s";
  }
}
