package dev.pullsecret.webhook.rules;

import java.util.List;

/** Rules that were refused. */
public class InvalidRulesException extends LocatedErrorsException {

  public InvalidRulesException(String source, List<RulesError> errors) {
    super(
        "rules",
        source,
        errors,
        "The webhook refuses to start on rules it cannot apply.",
        "Fix the rules file "
            + source
            + " (or set webhook.rules.file); check it with: java -jar pullsecret-webhook.jar"
            + " validate FILE");
  }
}
