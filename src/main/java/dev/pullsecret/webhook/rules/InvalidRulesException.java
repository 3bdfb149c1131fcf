package dev.pullsecret.webhook.rules;

import java.util.List;
import java.util.stream.Collectors;

/** Rules that were refused, with every error found (not only the first). */
public class InvalidRulesException extends RuntimeException {

  private final String source;
  private final List<RulesError> errors;

  public InvalidRulesException(String source, List<RulesError> errors) {
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
    return "rules refused ("
        + count
        + "):\n"
        + errors.stream().map(e -> "  " + e.format(source)).collect(Collectors.joining("\n"));
  }
}
