package dev.pullsecret.webhook.credentials;

/**
 * What is wrong with a pull secret, as a stable code: it prefixes the problem in the Events on the
 * source Secret and in {@code doctor}'s report. Constants are never renamed;
 * docs/pull-secret-checks.md explains each one and its fix.
 */
public enum ProblemCode {
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
  /**
   * An entry or one of its fields has the wrong JSON type; the kubelet refuses the whole secret.
   */
  MALFORMED_ENTRY,
  /**
   * An {@code auth} field is not base64 of {@code user:password}; the kubelet refuses the secret.
   */
  AUTH_NOT_DECODABLE,
  /** An entry gives no username and password, so the kubelet pulls anonymously. */
  ENTRY_WITHOUT_CREDENTIALS,
  /** An auths key that the kubelet ignores or that can never match an image. */
  INVALID_REGISTRY_KEY,
  /** A {@code _json_key} or {@code _json_key_base64} password is not a service-account key. */
  MALFORMED_GCP_KEY,
  /** A registry the pull secret is bound to has no auths key that the kubelet would use for it. */
  REGISTRY_NOT_COVERED,
  /** A Docker Hub key that the kubelet never uses for Docker Hub images. */
  DOCKER_HUB_KEY_NOT_USED,
  /** Several keys for one registry: the kubelet tries them in an unpredictable order. */
  DUPLICATE_REGISTRY,
  /**
   * A token that expires within hours: Google's {@code oauth2accesstoken}, an Amazon ECR
   * authorization token, an Azure Container Registry access token.
   */
  SHORT_LIVED_TOKEN;

  /**
   * Whether the secret works today but is likely a mistake or will stop working; every other code
   * is an error: the kubelet refuses the secret, or pulls without the credentials meant for an
   * image.
   */
  public boolean isWarning() {
    return this == DOCKER_HUB_KEY_NOT_USED
        || this == DUPLICATE_REGISTRY
        || this == SHORT_LIVED_TOKEN;
  }
}
