package dev.pullsecret.webhook.registry;

/**
 * The outcome of resolving one tag: the digest the registry serves for it, or why there is none.
 */
public sealed interface Lookup {

  /**
   * @param digest {@code algorithm:hex} of the index (multi-arch) or manifest the tag names
   */
  record Found(String digest) implements Lookup {}

  /**
   * @param failure what kind of failure, for metrics and the rule's choice to deny
   * @param detail what happened, in words for a kubectl warning (no credentials, bounded)
   * @param manifestUnknown the registry answered {@code 404}: it has no such manifest (a {@link
   *     Failure#REFUSED}); a mirror that answers so lacks the image, where a refusal of access, an
   *     error or a time-out says nothing of what it holds
   */
  record Failed(Failure failure, String detail, boolean manifestUnknown) implements Lookup {}

  enum Failure {
    /** The time budget of the review ran out, or the registry did not answer in time. */
    TIMEOUT,
    /** The registry answered no: unknown tag or repository, or access denied. */
    REFUSED,
    /** Anything else: unreachable, TLS, 5xx, a malformed answer. */
    ERROR
  }

  static Lookup failed(Failure failure, String detail) {
    return new Failed(failure, detail, false);
  }
}
