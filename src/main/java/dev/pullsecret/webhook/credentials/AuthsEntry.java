package dev.pullsecret.webhook.credentials;

import static dev.pullsecret.webhook.text.StrictJson.type;

import dev.pullsecret.webhook.credentials.Problem.Code;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One auths entry, {@code key: {username, password, auth, email, identitytoken}}, read as the
 * kubelet's {@code DockerConfigEntry.UnmarshalJSON} reads it: the four fields it knows must be
 * strings (or null), and a non-empty {@code auth} replaces username and password; and what the
 * usernames that the clouds' tooling writes say of their passwords.
 *
 * @param credential the username and password the kubelet would use
 * @param key the parsed key, or {@code null} when the kubelet ignores it
 */
record AuthsEntry(RegistryCredential credential, RegistryKey key) {

  private static final String JSON_KEY = "_json_key";
  private static final String JSON_KEY_BASE64 = "_json_key_base64";

  /**
   * A credential that a registry issues for hours, not for good: copied as it is, it works on the
   * day it is made and fails silently once it expires. Recognised by the username each cloud's
   * tooling writes, and for Amazon and Azure by the registry host too (their usernames alone are
   * not conclusive), matched lower-cased; {@code what} is what the warning says of it.
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

  /** Reads the entry; {@code null} when the kubelet would refuse the whole secret because of it. */
  static AuthsEntry read(String key, JsonNode value, List<Problem> problems) {
    String shown = RegistryKey.display(key);
    if (!value.isNull() && !value.isObject()) {
      problems.add(malformed("auths entry %s is a JSON %s, not an object", shown, type(value)));
      return null;
    }
    String[] fields = new String[4]; // username, password, auth, email
    List<String> names = List.of("username", "password", "auth", "email");
    for (int i = 0; i < fields.length; i++) {
      JsonNode field = field(value, names.get(i));
      if (field != null && !field.isNull() && !field.isString()) {
        problems.add(
            malformed(
                "field \"%s\" of auths entry %s is a JSON %s, not a string",
                names.get(i), shown, type(field)));
        return null;
      }
      fields[i] = field == null || field.isNull() ? "" : field.asString();
    }
    String username = fields[0];
    String password = fields[1];
    if (!fields[2].isEmpty()) {
      // Go's encoding/json skips line breaks in base64
      String pair = utf8(fields[2].replace("\r", "").replace("\n", ""));
      int colon = pair == null ? -1 : pair.indexOf(':');
      if (colon < 0) {
        String what = pair == null ? "is not base64" : "does not decode to username:password";
        problems.add(
            new Problem(
                Code.AUTH_NOT_DECODABLE,
                """
                field "auth" of auths entry %s %s; the kubelet refuses the whole secret. \
                Set it to base64 of username:password (printf %%s user:password | base64 -w0), \
                or remove it and keep username and password"""
                    .formatted(shown, what)));
        return null;
      }
      username = pair.substring(0, colon);
      password = pair.substring(colon + 1);
    }
    JsonNode token = field(value, "identitytoken");
    String missing = null;
    if (username.isEmpty() && password.isEmpty()) {
      missing =
          token != null && !token.isNull()
              ? " has only an identitytoken, which the kubelet does not use"
              : " has no username, password or auth";
    } else if (password.isEmpty()) {
      missing = " has a username but no password";
    } else if (username.isEmpty()) {
      missing = " has a password but no username";
    }
    if (missing != null) {
      problems.add(
          new Problem(
              Code.ENTRY_WITHOUT_CREDENTIALS,
              """
              auths entry %s%s; the kubelet would pull without credentials. Give username and \
              password (or auth)"""
                  .formatted(shown, missing)));
    } else {
      malformedKey(shown, username, password).ifPresent(problems::add);
    }
    RegistryKey parsed = RegistryKey.read(key, problems);
    if (missing == null) {
      shortLived(shown, parsed, username).ifPresent(problems::add);
    }
    return new AuthsEntry(new RegistryCredential(key, username, password), parsed);
  }

  /**
   * The {@link ShortLived} warning for the entry; without a key (the kubelet ignores it), only the
   * host-free Google token is recognised.
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

  /**
   * Google Container Registry and Artifact Registry: {@code _json_key} takes a service-account key
   * (the JSON file) as password, {@code _json_key_base64} the same file in base64. The registry
   * answers a malformed key with a plain 401, so this says which part is wrong, quoting none of it.
   */
  static Optional<Problem> malformedKey(String entryKey, String username, String password) {
    String where = "the password of auths entry " + entryKey + " (username " + username + ")";
    return Optional.ofNullable(
        switch (username) {
          case JSON_KEY -> keyProblem(where, password);
          case JSON_KEY_BASE64 -> {
            // key files are often encoded with line breaks (base64 without -w0)
            String decoded = utf8(WHITESPACE.matcher(password).replaceAll(""));
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

  /** Base64, with or without padding as Go reads it, decoded to UTF-8; null if not base64. */
  static String utf8(String base64) {
    try {
      return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Go's encoding/json matches field names exactly first, then case-insensitively. */
  static JsonNode field(JsonNode object, String name) {
    JsonNode exact = object.get(name);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, JsonNode> property : object.properties()) {
      if (property.getKey().equalsIgnoreCase(name)) {
        return property.getValue();
      }
    }
    return null;
  }

  private static Problem malformed(String what, Object... args) {
    return new Problem(
        Code.MALFORMED_ENTRY, what.formatted(args) + "; the kubelet refuses the whole secret");
  }
}
