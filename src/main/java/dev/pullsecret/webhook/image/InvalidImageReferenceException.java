package dev.pullsecret.webhook.image;

import dev.pullsecret.webhook.text.Text;
import java.io.Serial;

/**
 * Thrown when a string is not a valid container image reference. The message quotes the input and
 * says what is wrong, e.g. {@code invalid image reference "Nginx": repository name must be
 * lowercase}, so it can be returned to the user as it is.
 */
public final class InvalidImageReferenceException extends IllegalArgumentException {

  @Serial private static final long serialVersionUID = 1L;

  private final String reference;
  private final String reason;

  InvalidImageReferenceException(String reference, String reason) {
    super("invalid image reference " + Text.quote(reference) + ": " + reason);
    this.reference = reference;
    this.reason = reason;
  }

  /** The rejected input; {@code null} when the input was {@code null}. */
  public String reference() {
    return reference;
  }

  /** What is wrong with the input, without the input itself. */
  public String reason() {
    return reason;
  }
}
