package dev.pullsecret.webhook.credentials;

import dev.pullsecret.webhook.credentials.Problem.Code;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * What the usernames that the clouds' tooling writes say of their passwords.
 *
 * <p>Google Container Registry and Artifact Registry: {@code _json_key} takes a service-account key
 * (the JSON file) as password, {@code _json_key_base64} the same file in base64. The registry
 * answers a malformed key with a plain 401, so {@link #malformedKey} says which part is wrong,
 * without quoting any of it.
 *
 * <p>Credentials that a registry issues for hours, not for good: copied as they are, they work on
 * the day they are made and fail silently once they expire. Recognised by the username each cloud's
 * tooling writes, and for Amazon and Azure by the registry host too (their usernames alone are not
 * conclusive): {@link #SHORT_LIVED}.
 */
final class CloudUsernames {

  static final String JSON_KEY = "_json_key";
  static final String JSON_KEY_BASE64 = "_json_key_base64";

  /**
   * A username whose password is valid for hours, on hosts matching {@code host} (lower-cased), and
   * what a warning says of it.
   */
  private record ShortLived(String username, Pattern host, String what) {}

  private static final List<ShortLived> SHORT_LIVED =
      List.of(
          // gcloud auth print-access-token, on any host (GCR, Artifact Registry, mirrors of them)
          new ShortLived(
              "oauth2accesstoken",
              Pattern.compile(".*"),
              "username oauth2accesstoken: a Google access token, valid for an hour, so copies of"
                  + " it stop working; use a service-account key (username _json_key)"),
          // <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn], or ECR Public
          new ShortLived(
              "AWS",
              Pattern.compile(
                  "[^.]*\\.dkr\\.ecr(-fips)?\\.[^.]*\\.amazonaws\\.com(\\.cn)?|public\\.ecr\\.aws"),
              "username AWS on an Amazon ECR registry: an authorization token (aws ecr"
                  + " get-login-password), valid for 12 hours, so copies of it stop working"),
          // the all-zero GUID on <name>.azurecr.io and the sovereign clouds' .azurecr.cn, .us;
          // service principals and repository-scoped tokens have other usernames, and live longer
          new ShortLived(
              "00000000-0000-0000-0000-000000000000",
              Pattern.compile("[^.]*\\.azurecr\\.(io|cn|us)"),
              "the username of an Azure Container Registry access token (az acr login"
                  + " --expose-token), valid for 3 hours, so copies of it stop working"));

  private static final String ADVICE =
      "; renew it with a credential provider instead (a pull secret with `provider:`,"
          + " docs/short-lived-credentials.md)";

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private CloudUsernames() {}

  /**
   * The warning for an entry whose credential expires within hours.
   *
   * @param shown the auths key as messages show it
   * @param key the parsed key, null when the kubelet ignores it (then only the host-free Google
   *     token is recognised)
   */
  static Optional<Problem> shortLived(String shown, RegistryKey key, String username) {
    String host =
        key == null ? "" : String.join(".", key.hostPort().labels()).toLowerCase(Locale.ROOT);
    return SHORT_LIVED.stream()
        .filter(token -> token.username.equals(username) && token.host.matcher(host).matches())
        .findFirst()
        .map(
            token ->
                new Problem(
                    Code.SHORT_LIVED_TOKEN,
                    "auths entry " + shown + " has " + token.what + ADVICE));
  }

  /** The problem with a Google key given as password. */
  static Optional<Problem> malformedKey(String entryKey, String username, String password) {
    String where = "the password of auths entry " + entryKey + " (username " + username + ")";
    return Optional.ofNullable(
        switch (username) {
          case JSON_KEY -> keyProblem(where, password);
          case JSON_KEY_BASE64 -> {
            // key files are often encoded with line breaks (base64 without -w0)
            String decoded = AuthsEntry.utf8(WHITESPACE.matcher(password).replaceAll(""));
            yield decoded == null
                ? new Problem(
                    Code.MALFORMED_GCP_KEY,
                    """
                %s is not base64; encode the service-account key file with base64 -w0, or use \
                username %s with the file as it is"""
                        .formatted(where, JSON_KEY))
                : keyProblem(where, decoded);
          }
          default -> null;
        });
  }

  private static Problem keyProblem(String where, String keyJson) {
    JsonNode key;
    try {
      key = PullSecretCheck.JSON.readTree(keyJson);
    } catch (JacksonException e) {
      key = null;
    }
    String missing;
    if (key == null || !key.isObject()) {
      missing = "is not a JSON service-account key";
    } else if (!"service_account".equals(key.path("type").stringValue(""))) {
      missing = "is JSON, but its type is not \"service_account\"";
    } else if (key.path("client_email").stringValue("").isBlank()) {
      missing = "is a service-account key without client_email";
    } else if (key.path("private_key").stringValue("").isBlank()) {
      missing = "is a service-account key without private_key";
    } else {
      return null;
    }
    return new Problem(
        Code.MALFORMED_GCP_KEY,
        "%s %s; paste the whole key file created with gcloud iam service-accounts keys create"
            .formatted(where, missing));
  }
}
