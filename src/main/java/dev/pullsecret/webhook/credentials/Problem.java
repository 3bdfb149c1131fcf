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

  /**
   * Never renamed. The table of docs/pull-secret-checks.md gives each one's meaning, severity
   * ({@link Problem#isError()}) and fix.
   */
  public enum Code {
    WRONG_TYPE,
    MISSING_KEY,
    TOO_LARGE,
    NOT_BASE64,
    NOT_JSON,
    NO_AUTHS,
    TOO_MANY_ENTRIES,
    MALFORMED_ENTRY,
    AUTH_NOT_DECODABLE,
    ENTRY_WITHOUT_CREDENTIALS,
    INVALID_REGISTRY_KEY,
    MALFORMED_GCP_KEY,
    REGISTRY_NOT_COVERED,
    DOCKER_HUB_KEY_NOT_USED,
    DUPLICATE_REGISTRY,
    SHORT_LIVED_TOKEN
  }
}
