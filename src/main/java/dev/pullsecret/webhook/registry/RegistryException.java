package dev.pullsecret.webhook.registry;

/** A lookup that failed, the kind decided where it is known; caught by DigestResolver. */
final class RegistryException extends RuntimeException {

  private final Lookup.Failed lookup;

  RegistryException(Lookup.Failure failure, String message) {
    this(failure, message, null);
  }

  RegistryException(Lookup.Failure failure, String message, Throwable cause) {
    this(new Lookup.Failed(failure, message, false), cause);
  }

  private RegistryException(Lookup.Failed lookup, Throwable cause) {
    super(lookup.detail(), cause);
    this.lookup = lookup;
  }

  /** The registry answered {@code 404}: no such manifest (tag or repository unknown there). */
  static RegistryException manifestUnknown(ManifestUrl url) {
    String detail = "no manifest " + url.reference() + " in " + url.repository();
    return new RegistryException(new Lookup.Failed(Lookup.Failure.REFUSED, detail, true), null);
  }

  Lookup.Failed lookup() {
    return lookup;
  }
}
