package dev.pullsecret.webhook.providers;

import java.time.Duration;
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
 * @param renewalJitter ...plus a random share of up to this much
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

  public boolean enabled() {
    return !config.isBlank();
  }

  public RenewalPolicy renewal() {
    return new RenewalPolicy(renewalFraction, renewalJitter, renewalWithoutLifetime);
  }
}
