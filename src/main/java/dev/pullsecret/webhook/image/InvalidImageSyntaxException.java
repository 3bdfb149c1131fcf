package dev.pullsecret.webhook.image;

import dev.pullsecret.webhook.text.Text;
import java.io.Serial;

/**
 * Thrown when a string is not a valid container image reference or {@link RegistryPattern}. The
 * message names what was expected, quotes the input and says what is wrong, e.g. {@code invalid
 * image reference "Nginx": repository name must be lowercase} or {@code invalid registry pattern
 * "https://gcr.io": must not include a scheme}, so it can be returned to the user as it is.
 */
public final class InvalidImageSyntaxException extends IllegalArgumentException {

  @Serial private static final long serialVersionUID = 1L;

  private final String reason;

  InvalidImageSyntaxException(String expected, String input, String reason) {
    super("invalid " + expected + " " + Text.quote(input) + ": " + reason);
    this.reason = reason;
  }

  /** What is wrong with the input, without the input itself. */
  public String reason() {
    return reason;
  }
}
