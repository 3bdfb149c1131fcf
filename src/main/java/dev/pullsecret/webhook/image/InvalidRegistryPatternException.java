package dev.pullsecret.webhook.image;

import dev.pullsecret.webhook.text.Text;
import java.io.Serial;

/**
 * Thrown when a string is not a valid {@link RegistryPattern}. The message quotes the input and
 * says what is wrong, e.g. {@code invalid registry pattern "https://gcr.io": must not include a
 * scheme}.
 */
public final class InvalidRegistryPatternException extends IllegalArgumentException {

  @Serial private static final long serialVersionUID = 1L;

  private final String pattern;
  private final String reason;

  InvalidRegistryPatternException(String pattern, String reason) {
    super("invalid registry pattern " + Text.quote(pattern) + ": " + reason);
    this.pattern = pattern;
    this.reason = reason;
  }

  /** The rejected input; {@code null} when the input was {@code null}. */
  public String pattern() {
    return pattern;
  }

  /** What is wrong with the input, without the input itself. */
  public String reason() {
    return reason;
  }
}
