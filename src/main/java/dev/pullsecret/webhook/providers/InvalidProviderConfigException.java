package dev.pullsecret.webhook.providers;

import dev.pullsecret.webhook.rules.LocatedErrorsException;
import dev.pullsecret.webhook.rules.RulesError;
import java.util.List;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A CredentialProviderConfig that was refused, with every error found, located. */
public class InvalidProviderConfigException extends LocatedErrorsException {

  public InvalidProviderConfigException(String source, List<RulesError> errors) {
    super("credential provider config", source, errors);
  }

  /**
   * An invalid CredentialProviderConfig at start-up: print every located error instead of a stack
   * trace, and stop, as the kubelet does (listed in {@code META-INF/spring.factories}).
   */
  static final class Analyzer extends AbstractFailureAnalyzer<InvalidProviderConfigException> {

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
}
