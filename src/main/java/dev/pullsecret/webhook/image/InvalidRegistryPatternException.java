package dev.pullsecret.webhook.image;

/** TEMPORARY stand-in. */
public class InvalidRegistryPatternException extends IllegalArgumentException {
  public InvalidRegistryPatternException(String message) {
    super(message);
  }
}
