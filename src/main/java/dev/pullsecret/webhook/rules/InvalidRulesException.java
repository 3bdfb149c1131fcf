package dev.pullsecret.webhook.rules;

import java.util.List;

/** Rules that were refused, with every error found (not only the first). */
public class InvalidRulesException extends LocatedErrorsException {

  public InvalidRulesException(String source, List<RulesError> errors) {
    super("rules", source, errors);
  }
}
