package dev.pullsecret.webhook.providers;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Credential providers ({@code webhook.credential-providers.*}, docs/short-lived-credentials.md):
 * off unless {@code config} names a CredentialProviderConfig. They need secret delivery ({@code
 * webhook.sync.enabled}): the credentials are kept in a Secret that the sync loop delivers.
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
@ConfigurationProperties("webhook.credential-providers")
public record CredentialProviderProperties(
    @DefaultValue("") String config,
    @DefaultValue("") String binDir,
    @DefaultValue("1m") Duration timeout,
    @DefaultValue("0.5") double renewalFraction,
    @DefaultValue("0.1") double renewalJitter,
    @DefaultValue("5m") Duration renewalWithoutLifetime,
    @DefaultValue("1s") Duration retryBaseDelay,
    @DefaultValue("5m") Duration retryMaxDelay) {

  /** Whether providers are configured at all. */
  public boolean enabled() {
    return !config.isBlank();
  }

  public RenewalPolicy renewal() {
    return new RenewalPolicy(renewalFraction, renewalJitter, renewalWithoutLifetime);
  }
}
