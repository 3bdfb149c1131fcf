package dev.pullsecret.webhook.providers;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Credential providers ({@code webhook.credential-providers.*}, docs/short-lived-credentials.md),
 * with their defaults in {@code application.properties}: off unless {@code config} names a
 * CredentialProviderConfig. They need secret delivery ({@code webhook.sync.enabled}): the
 * credentials are kept in a Secret that the sync loop delivers.
 *
 * @param config the CredentialProviderConfig file, as the kubelet's {@code
 *     --image-credential-provider-config}; empty: no providers
 * @param binDir the directory of the plugin binaries, as the kubelet's {@code
 *     --image-credential-provider-bin-dir}; required with {@code config}
 * @param timeout the longest a plugin may run before it is killed (the kubelet's is one minute)
 * @param renewalFraction credentials are renewed at this share of their lifetime...
 * @param renewalJitter ...plus a random share of up to this much, so that pull secrets made at the
 *     same moment do not all renew at the same moment, and a renewal that fails has the rest of the
 *     lifetime for its retries
 * @param renewalWithoutLifetime how often credentials are renewed when the plugin says they are not
 *     to be kept ({@code cacheDuration: 0}), so that when they expire is not known
 * @param retryBaseDelay the first wait after a failed renewal; doubles on each failure...
 * @param retryMaxDelay ...up to this
 */
@ConfigurationProperties(CredentialProviderProperties.PREFIX)
public record CredentialProviderProperties(
    String config,
    String binDir,
    Duration timeout,
    double renewalFraction,
    double renewalJitter,
    Duration renewalWithoutLifetime,
    Duration retryBaseDelay,
    Duration retryMaxDelay) {

  public static final String PREFIX = "webhook.credential-providers";

  /**
   * No renewal comes sooner than this after the credentials were obtained, nor after the plugin
   * answered, so that a plugin answering tiny lifetimes, or slowly, cannot make the webhook run it
   * in a loop.
   */
  static final Duration MINIMUM_RENEWAL = Duration.ofSeconds(1);

  public boolean enabled() {
    return !config.isBlank();
  }

  /** Refuses, with providers on, a renewal that would come after the expiry, or in a loop. */
  public void checkRenewal() {
    if (!(renewalFraction > 0) || !(renewalJitter >= 0) || renewalFraction + renewalJitter >= 1) {
      throw new IllegalArgumentException(
          ("renewal at %s of the lifetime plus up to %s: both must be positive and add up to less"
                  + " than 1, or credentials would expire before their renewal")
              .formatted(renewalFraction, renewalJitter));
    }
    if (renewalWithoutLifetime.compareTo(MINIMUM_RENEWAL) < 0) {
      throw new IllegalArgumentException("renewal without a lifetime must be at least 1s");
    }
  }

  /**
   * When credentials obtained (asked for) at {@code credentials.obtainedAt()} are renewed: a share
   * of their lifetime after that, and never sooner than {@link #MINIMUM_RENEWAL} after {@code
   * answered}, as a plugin may take up to its time-out to answer.
   */
  public Instant renewAt(
      ProviderCredentials credentials, Instant answered, RandomGenerator random) {
    Duration lifetime = credentials.lifetime();
    Duration after =
        lifetime.isZero()
            ? renewalWithoutLifetime
            : Duration.ofNanos(
                (long)
                    (lifetime.toNanos() * (renewalFraction + renewalJitter * random.nextDouble())));
    if (credentials.notToKeep() && renewalWithoutLifetime.compareTo(after) < 0) {
      after = renewalWithoutLifetime; // another answer's lifetime is known, this one's not
    }
    Instant at =
        credentials
            .obtainedAt()
            .plus(after.compareTo(MINIMUM_RENEWAL) < 0 ? MINIMUM_RENEWAL : after);
    Instant soonest = answered.plus(MINIMUM_RENEWAL);
    return at.isBefore(soonest) ? soonest : at;
  }
}
