package dev.pullsecret.webhook.providers;

import dev.pullsecret.webhook.rules.LocatedErrorsException;
import dev.pullsecret.webhook.rules.RulesError;
import java.util.List;

/** A CredentialProviderConfig that was refused, with every error found, located. */
public class InvalidProviderConfigException extends LocatedErrorsException {

  public InvalidProviderConfigException(String source, List<RulesError> errors) {
    super("credential provider config", source, errors);
  }
}
