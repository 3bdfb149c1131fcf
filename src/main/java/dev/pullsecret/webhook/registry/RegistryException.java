package dev.pullsecret.webhook.registry;

/** A lookup that failed, with the kind of failure decided where it is known. */
final class RegistryException extends Exception {

  private final Lookup.Failure failure;
  private final boolean manifestUnknown;

  RegistryException(Lookup.Failure failure, String message) {
    this(failure, message, null, false);
  }

  RegistryException(Lookup.Failure failure, String message, Throwable cause) {
    this(failure, message, cause, false);
  }

  private RegistryException(
      Lookup.Failure failure, String message, Throwable cause, boolean manifestUnknown) {
    super(message, cause);
    this.failure = failure;
    this.manifestUnknown = manifestUnknown;
  }

  /** The registry answered {@code 404}: no such manifest (tag or repository unknown there). */
  static RegistryException manifestUnknown(ManifestUrl url) {
    return new RegistryException(
        Lookup.Failure.REFUSED,
        "no manifest " + url.reference() + " in " + url.repository(),
        null,
        true);
  }

  Lookup.Failure failure() {
    return failure;
  }

  /** The failure as a lookup's outcome. */
  Lookup lookup() {
    return new Lookup.Failed(failure, getMessage(), manifestUnknown);
  }
}
