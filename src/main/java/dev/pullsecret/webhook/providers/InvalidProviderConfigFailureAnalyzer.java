package dev.pullsecret.webhook.providers;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * An invalid CredentialProviderConfig at start-up: print every located error instead of a stack
 * trace, and stop, as the kubelet does.
 */
class InvalidProviderConfigFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidProviderConfigException> {

  @Override
  protected FailureAnalysis analyze(Throwable root, InvalidProviderConfigException cause) {
    return new FailureAnalysis(
        "The webhook refuses to start on a credential provider config it cannot apply. "
            + cause.getMessage(),
        "Fix "
            + cause.source()
            + " (webhook.credential-providers.config), the CredentialProviderConfig the kubelet"
            + " takes (docs/short-lived-credentials.md)",
        cause);
  }
}
