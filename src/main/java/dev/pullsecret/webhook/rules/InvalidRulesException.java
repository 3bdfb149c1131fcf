package dev.pullsecret.webhook.rules;

import java.util.List;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Rules that were refused. */
public class InvalidRulesException extends LocatedErrorsException {

  public InvalidRulesException(String source, List<RulesError> errors) {
    super("rules", source, errors);
  }

  /**
   * Invalid rules at start-up: print every located error instead of a stack trace, and stop (listed
   * in {@code META-INF/spring.factories}).
   */
  static final class Analyzer extends AbstractFailureAnalyzer<InvalidRulesException> {

    @Override
    protected FailureAnalysis analyze(Throwable root, InvalidRulesException cause) {
      return new FailureAnalysis(
          "The webhook refuses to start on rules it cannot apply. " + cause.getMessage(),
          "Fix the rules file "
              + cause.source()
              + " (or set webhook.rules.file); check it with: java -jar pullsecret-webhook.jar"
              + " validate FILE",
          cause);
    }
  }
}
