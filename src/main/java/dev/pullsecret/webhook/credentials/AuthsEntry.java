package dev.pullsecret.webhook.credentials;

import static dev.pullsecret.webhook.text.StrictJson.type;

import dev.pullsecret.webhook.credentials.Problem.Code;
import dev.pullsecret.webhook.image.DockerHub;
import dev.pullsecret.webhook.text.Text;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One auths entry, {@code key: {username, password, auth, email, identitytoken}}, read as the
 * kubelet's {@code DockerConfigEntry.UnmarshalJSON} reads it: the four fields it knows must be
 * strings (or null), and a non-empty {@code auth} replaces username and password.
 *
 * @param credential the username and password the kubelet would use
 * @param key the parsed key, or {@code null} when the kubelet ignores it
 */
record AuthsEntry(RegistryCredential credential, RegistryKey key) {

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
      CloudUsernames.malformedKey(shown, username, password).ifPresent(problems::add);
    }
    RegistryKey parsed = parseKey(key, problems);
    if (missing == null) {
      CloudUsernames.shortLived(shown, parsed, username).ifPresent(problems::add);
    }
    return new AuthsEntry(new RegistryCredential(key, username, password), parsed);
  }

  private static RegistryKey parseKey(String key, List<Problem> problems) {
    RegistryKey parsed;
    try {
      parsed = RegistryKey.parse(key);
    } catch (IllegalArgumentException e) {
      problems.add(
          new Problem(
              Code.INVALID_REGISTRY_KEY,
              """
              auths key %s %s, so the kubelet never uses it; write the registry as in image \
              names: host[:port][/path], e.g. registry.example.com:5000"""
                  .formatted(RegistryKey.display(key), e.getMessage())));
      return null;
    }
    // a spelling of Docker Hub that the lookup of Docker Hub images never reaches (DockerConfig)
    String host = String.join(".", parsed.hostPort().labels());
    boolean used = parsed.indexKey().equals(DockerHub.INDEX) || host.equals(DockerHub.DOMAIN);
    if (DockerHub.isHost(host) && parsed.hostPort().port().isEmpty() && !used) {
      String write =
          Text.quote(DockerHub.DOMAIN + parsed.path())
              + (parsed.path().isEmpty() ? " or " + Text.quote(DockerHub.CONFIG_KEY) : "");
      problems.add(
          new Problem(
              Code.DOCKER_HUB_KEY_NOT_USED,
              """
              auths key %s is never used for Docker Hub images: the kubelet looks them up as \
              docker.io/..., falling back only to %s; write %s instead"""
                  .formatted(parsed.display(), DockerHub.CONFIG_KEY, write)));
    }
    return parsed;
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
