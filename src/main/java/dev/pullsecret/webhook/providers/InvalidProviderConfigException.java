package dev.pullsecret.webhook.providers;

import dev.pullsecret.webhook.rules.LocatedErrorsException;
import dev.pullsecret.webhook.rules.RulesError;
import java.util.List;

/**
 * A CredentialProviderConfig that was refused, with every error found, located; at start-up the
 * webhook stops, as the kubelet does.
 */
public class InvalidProviderConfigException extends LocatedErrorsException {

  public InvalidProviderConfigException(String source, List<RulesError> errors) {
    super(
        "credential provider config",
        source,
        errors,
        "The webhook refuses to start on a credential provider config it cannot apply.",
        "Fix "
            + source
            + " (webhook.credential-providers.config), the CredentialProviderConfig the kubelet"
            + " takes (docs/short-lived-credentials.md)");
  }
}
