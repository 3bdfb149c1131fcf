package dev.pullsecret.webhook.image;

/** TEMPORARY stand-in. */
public class InvalidImageReferenceException extends IllegalArgumentException {
  public InvalidImageReferenceException(String message) {
    super(message);
  }
}
