package dev.pullsecret.webhook.providers;

import dev.pullsecret.webhook.rules.RulesError;
import java.util.List;
import java.util.stream.Collectors;

/** A CredentialProviderConfig that was refused, with every error found, located. */
public class InvalidProviderConfigException extends RuntimeException {

  private final String source;
  private final List<RulesError> errors;

  public InvalidProviderConfigException(String source, List<RulesError> errors) {
    super(describe(source, errors));
    this.source = source;
    this.errors = List.copyOf(errors);
  }

  public String source() {
    return source;
  }

  public List<RulesError> errors() {
    return errors;
  }

  private static String describe(String source, List<RulesError> errors) {
    var count = errors.size() == 1 ? "1 error" : errors.size() + " errors";
    return "credential provider config refused ("
        + count
        + "):\n"
        + errors.stream().map(e -> "  " + e.format(source)).collect(Collectors.joining("\n"));
  }
}
