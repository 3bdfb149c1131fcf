package dev.pullsecret.webhook.credentials;

import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Checks of the special usernames of Google Container Registry and Artifact Registry: {@code
 * _json_key} takes a service-account key (the JSON file) as password, {@code _json_key_base64} the
 * same file in base64. The registry answers a malformed key with a plain 401, so the checks say
 * which part is wrong, without quoting any of it. The third special username, {@code
 * oauth2accesstoken}, is a token that expires: {@link ShortLivedTokens}.
 */
final class GcpKeys {

  static final String JSON_KEY = "_json_key";
  static final String JSON_KEY_BASE64 = "_json_key_base64";

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private GcpKeys() {}

  /** The problem with the entry's special username and password, or null. */
  static Problem check(String entryKey, String username, String password) {
    String where = "the password of auths entry " + entryKey;
    return switch (username) {
      case JSON_KEY -> keyProblem(where + " (username " + JSON_KEY + ")", password);
      case JSON_KEY_BASE64 -> {
        // key files are often encoded with line breaks (base64 without -w0)
        String decoded = AuthsEntry.utf8(WHITESPACE.matcher(password).replaceAll(""));
        yield decoded == null
            ? new Problem(
                ProblemCode.MALFORMED_GCP_KEY,
                where
                    + " (username "
                    + JSON_KEY_BASE64
                    + ") is not base64; encode the"
                    + " service-account key file with base64 -w0, or use username "
                    + JSON_KEY
                    + " with the file as it is")
            : keyProblem(where + " (username " + JSON_KEY_BASE64 + ")", decoded);
      }
      default -> null;
    };
  }

  private static Problem keyProblem(String where, String keyJson) {
    JsonNode key;
    try {
      key = DockerConfigParser.JSON.readTree(keyJson);
    } catch (JacksonException e) {
      key = null;
    }
    String missing;
    if (key == null || !key.isObject()) {
      missing = "is not a JSON service-account key";
    } else if (!"service_account".equals(text(key, "type"))) {
      missing = "is JSON, but its type is not \"service_account\"";
    } else if (text(key, "client_email").isBlank()) {
      missing = "is a service-account key without client_email";
    } else if (text(key, "private_key").isBlank()) {
      missing = "is a service-account key without private_key";
    } else {
      return null;
    }
    return new Problem(
        ProblemCode.MALFORMED_GCP_KEY,
        where
            + " "
            + missing
            + "; paste the whole key file created with"
            + " gcloud iam service-accounts keys create");
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isString() ? value.asString() : "";
  }
}
