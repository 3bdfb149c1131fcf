package dev.pullsecret.webhook.credentials;

/**
 * One problem found in a pull secret. The message names the data key, auths key or registry
 * concerned, and never a credential: no password, token, {@code auth} value or username (except the
 * well-known usernames {@code _json_key}, {@code _json_key_base64}, {@code oauth2accesstoken} and
 * Amazon ECR's {@code AWS}), so it can go into Events, logs and kubectl output as it is.
 *
 * @param code what is wrong, as a stable code: it prefixes the message in the Events on the source
 *     Secret and in {@code doctor}'s report
 * @param message what is wrong and how to fix it, for people
 */
public record Problem(Code code, String message) {

  /**
   * Whether the kubelet refuses the secret, or pulls without the credentials meant for an image;
   * the other codes are warnings: the secret works today but is likely a mistake or will stop
   * working.
   */
  public boolean isError() {
    return switch (code) {
      case DOCKER_HUB_KEY_NOT_USED, DUPLICATE_REGISTRY, SHORT_LIVED_TOKEN -> false;
      default -> true;
    };
  }

  @Override
  public String toString() {
    return code + ": " + message;
  }

  /** Never renamed; docs/pull-secret-checks.md explains each one and its fix. */
  public enum Code {
    /** The type is not kubernetes.io/dockerconfigjson (or the legacy kubernetes.io/dockercfg). */
    WRONG_TYPE,
    /** The data key that the type requires is absent or empty. */
    MISSING_KEY,
    /** The content is over 1 MiB. */
    TOO_LARGE,
    /** The data value is not base64. */
    NOT_BASE64,
    /** The content is not a JSON object. */
    NOT_JSON,
    /** There is no {@code auths} map, or it is empty. */
    NO_AUTHS,
    /** More entries than anyone writes: refused without looking at them. */
    TOO_MANY_ENTRIES,
    /** An entry or one of its fields has the wrong JSON type: the kubelet refuses the secret. */
    MALFORMED_ENTRY,
    /** An {@code auth} is not base64 of {@code user:password}: the kubelet refuses the secret. */
    AUTH_NOT_DECODABLE,
    /** An entry gives no username and password, so the kubelet pulls anonymously. */
    ENTRY_WITHOUT_CREDENTIALS,
    /** An auths key that the kubelet ignores or that can never match an image. */
    INVALID_REGISTRY_KEY,
    /** A {@code _json_key} or {@code _json_key_base64} password is not a service-account key. */
    MALFORMED_GCP_KEY,
    /** A registry the pull secret is bound to has no auths key the kubelet would use for it. */
    REGISTRY_NOT_COVERED,
    /** A Docker Hub key that the kubelet never uses for Docker Hub images. */
    DOCKER_HUB_KEY_NOT_USED,
    /** Several keys for one registry: the kubelet tries them in an unpredictable order. */
    DUPLICATE_REGISTRY,
    /**
     * A token that expires within hours: Google's {@code oauth2accesstoken}, an Amazon ECR
     * authorization token, an Azure Container Registry access token.
     */
    SHORT_LIVED_TOKEN
  }
}
