package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.files.RefusedFileException;
import java.util.List;
import java.util.stream.Collectors;

/** A configuration file that was refused, with every error found (not only the first), located. */
public abstract class LocatedErrorsException extends RefusedFileException {

  private final String source;
  private final List<RulesError> errors;

  /**
   * @param what the kind of file, which starts the message: {@code "rules"}
   * @param source names the file in the errors' locations
   * @param refusal and {@code fix}: what it means at start-up ({@link RefusedFileException})
   */
  protected LocatedErrorsException(
      String what, String source, List<RulesError> errors, String refusal, String fix) {
    super(
        what
            + " refused ("
            + (errors.size() == 1 ? "1 error" : errors.size() + " errors")
            + "):\n"
            + errors.stream()
                .map(e -> "  " + e.format(source, ""))
                .collect(Collectors.joining("\n")),
        null,
        refusal,
        fix);
    this.source = source;
    this.errors = List.copyOf(errors);
  }

  public String source() {
    return source;
  }

  public List<RulesError> errors() {
    return errors;
  }
}
