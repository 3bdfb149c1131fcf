package dev.pullsecret.webhook.providers;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When credentials are renewed: at {@code fraction} of their lifetime plus a random share of up to
 * {@code jitter} of it (so that pull secrets made at the same moment do not all renew at the same
 * moment, and a renewal that fails has the rest of the lifetime for its retries), or every {@code
 * withoutLifetime} when the plugin said nothing of how long they last; never sooner than {@link
 * #MINIMUM} after they were obtained, so that a plugin answering tiny lifetimes cannot make the
 * webhook run it in a loop.
 */
public record RenewalPolicy(double fraction, double jitter, Duration withoutLifetime) {

  static final Duration MINIMUM = Duration.ofSeconds(1);

  public RenewalPolicy {
    if (!(fraction > 0) || !(jitter >= 0) || fraction + jitter >= 1) {
      throw new IllegalArgumentException(
          ("renewal at %s of the lifetime plus up to %s: both must be positive and add up to less"
                  + " than 1, or credentials would expire before their renewal")
              .formatted(fraction, jitter));
    }
    if (withoutLifetime.compareTo(MINIMUM) < 0) {
      throw new IllegalArgumentException("renewal without a lifetime must be at least 1s");
    }
  }

  public Instant renewAt(ProviderCredentials credentials, RandomGenerator random) {
    Duration lifetime = credentials.lifetime();
    Duration after =
        lifetime.isZero()
            ? withoutLifetime
            : Duration.ofNanos(
                (long) (lifetime.toNanos() * (fraction + jitter * random.nextDouble())));
    return credentials.obtainedAt().plus(after.compareTo(MINIMUM) < 0 ? MINIMUM : after);
  }
}
