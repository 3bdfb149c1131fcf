package dev.pullsecret.webhook.registry;

/** A lookup that failed, with the kind of failure decided where it is known. */
final class RegistryException extends Exception {

  private final Lookup.Failure failure;

  RegistryException(Lookup.Failure failure, String message) {
    super(message);
    this.failure = failure;
  }

  RegistryException(Lookup.Failure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = failure;
  }

  Lookup.Failure failure() {
    return failure;
  }
}
