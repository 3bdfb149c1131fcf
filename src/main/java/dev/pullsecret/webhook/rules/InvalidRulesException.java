package dev.pullsecret.webhook.rules;

import java.util.List;

/** Rules that were refused. */
public class InvalidRulesException extends LocatedErrorsException {

  public InvalidRulesException(String source, List<RulesError> errors) {
    super("rules", source, errors);
  }
}
