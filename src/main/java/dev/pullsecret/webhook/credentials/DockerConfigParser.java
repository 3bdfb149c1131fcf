package dev.pullsecret.webhook.credentials;

import dev.pullsecret.webhook.text.Text;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the auths entries of a decoded {@code .dockerconfigjson} ({@code {"auths": {key: entry}}})
 * or legacy {@code .dockercfg} ({@code {key: entry}}) the way the kubelet's Go code decodes them:
 * field names match case-insensitively, a field of the wrong JSON type makes the kubelet refuse the
 * whole secret, and {@code auth} ({@code base64(user:password)}) replaces username and password.
 * Every problem is collected; parser messages are never passed on, as they may quote the content.
 */
final class DockerConfigParser {

  /** Far more registries than any real secret names; bounds the work of every lookup. */
  static final int MAX_ENTRIES = 1000;

  /** A config nests 3 levels deep; extra fields (HttpHeaders, credHelpers) add one or two. */
  private static final int MAX_NESTING_DEPTH = 32;

  static final JsonMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_NESTING_DEPTH)
                          .maxNumberLength(100)
                          .build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final Set<String> DOCKER_HUB_ALIASES =
      Set.of("index.docker.io", "registry-1.docker.io");

  private final String dataKey;
  private final List<Problem> problems = new ArrayList<>();
  private final List<RegistryCredential> credentials = new ArrayList<>();
  private final List<DockerConfig.Entry> entries = new ArrayList<>();

  private DockerConfigParser(String dataKey) {
    this.dataKey = Text.quote(dataKey);
  }

  /** Parses the content; the problems are appended to {@code problems}. */
  static DockerConfig parse(
      byte[] content, String dataKey, boolean legacy, List<Problem> problems) {
    DockerConfigParser parser = new DockerConfigParser(dataKey);
    parser.read(content, legacy);
    parser.reportDuplicates();
    problems.addAll(parser.problems);
    return parser.credentials.isEmpty()
        ? DockerConfig.EMPTY
        : new DockerConfig(parser.credentials, parser.entries);
  }

  private void read(byte[] content, boolean legacy) {
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String where =
          at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      problem(ProblemCode.NOT_JSON, dataKey + " is not valid JSON" + where);
      return;
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      problem(ProblemCode.NO_AUTHS, dataKey + " is JSON null: it has no registry credentials");
      return;
    }
    if (!root.isObject()) {
      problem(ProblemCode.NOT_JSON, dataKey + " is a JSON " + type(root) + ", not an object");
      return;
    }
    JsonNode auths = legacy ? root : field(root, "auths");
    if (legacy
        && root.size() == 1
        && field(root, "auths") != null
        && field(root, "auths").isObject()) {
      problem(
          ProblemCode.NO_AUTHS,
          dataKey
              + " has the .dockerconfigjson format (an \"auths\" map), which the kubelet reads"
              + " here as a registry named \"auths\"; use type kubernetes.io/dockerconfigjson with"
              + " key .dockerconfigjson, or drop the \"auths\" wrapper");
      return;
    }
    if (auths == null || auths.isNull() || (auths.isObject() && auths.isEmpty())) {
      problem(ProblemCode.NO_AUTHS, dataKey + noAuthsReason(root, legacy));
      return;
    }
    if (!auths.isObject()) {
      problem(
          ProblemCode.NO_AUTHS,
          dataKey + ": \"auths\" is a JSON " + type(auths) + ", not an object");
      return;
    }
    if (auths.size() > MAX_ENTRIES) {
      problem(
          ProblemCode.TOO_MANY_ENTRIES,
          dataKey + " has " + auths.size() + " registries; at most " + MAX_ENTRIES + " are read");
      return;
    }
    for (Map.Entry<String, JsonNode> entry : auths.properties()) {
      readEntry(entry.getKey(), entry.getValue());
    }
  }

  private static String noAuthsReason(JsonNode root, boolean legacy) {
    if (legacy) {
      return " has no registries";
    }
    if (field(root, "credHelpers") != null || field(root, "credsStore") != null) {
      return " has no \"auths\" entries, only credHelpers or credsStore, which the kubelet does not"
          + " run; log in with the credentials themselves (docker login writes them to auths when"
          + " no credential store is configured)";
    }
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      JsonNode value = entry.getValue();
      if (value.isObject() && (field(value, "auth") != null || field(value, "username") != null)) {
        return " has no \"auths\" map: its entries are at the top level, as in the legacy"
            + " .dockercfg format; wrap them in {\"auths\": {...}}";
      }
    }
    return " has no \"auths\" map of registries";
  }

  private void readEntry(String key, JsonNode value) {
    String shown = RegistryKey.display(key);
    if (!value.isNull() && !value.isObject()) {
      malformed("auths entry " + shown + " is a JSON " + type(value) + ", not an object");
      return;
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String name : List.of("username", "password", "auth", "email")) {
      JsonNode field = value.isNull() ? null : field(value, name);
      if (field != null && !field.isNull() && !field.isString()) {
        malformed(
            "field \""
                + name
                + "\" of auths entry "
                + shown
                + " is a JSON "
                + type(field)
                + ", not a string");
        return;
      }
      fields.put(name, field == null || field.isNull() ? "" : field.asString());
    }
    String username = fields.get("username");
    String password = fields.get("password");
    String auth = fields.get("auth");
    if (!auth.isEmpty()) {
      String pair = decodeAuth(auth);
      int colon = pair == null ? -1 : pair.indexOf(':');
      if (colon < 0) {
        problem(
            ProblemCode.AUTH_NOT_DECODABLE,
            "field \"auth\" of auths entry "
                + shown
                + (pair == null ? " is not base64" : " does not decode to username:password")
                + "; the kubelet refuses the whole secret. Set it to base64 of username:password"
                + " (printf %s user:password | base64 -w0), or remove it and keep username and"
                + " password");
        return;
      }
      username = pair.substring(0, colon);
      password = pair.substring(colon + 1);
    }
    credentials.add(RegistryCredential.of(key, username, password));
    checkCredentials(
        shown, username, password, value.isNull() ? null : field(value, "identitytoken"));
    try {
      RegistryKey parsed = RegistryKey.parse(key);
      entries.add(new DockerConfig.Entry(parsed, RegistryCredential.of(key, username, password)));
      checkDockerHubAlias(parsed);
    } catch (IllegalArgumentException e) {
      problem(
          ProblemCode.INVALID_REGISTRY_KEY,
          "auths key "
              + shown
              + " "
              + e.getMessage()
              + ", so the kubelet never uses it; write the"
              + " registry as in image names: host[:port][/path], e.g. registry.example.com:5000");
    }
  }

  private void checkCredentials(String shown, String username, String password, JsonNode token) {
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
      problem(
          ProblemCode.ENTRY_WITHOUT_CREDENTIALS,
          "auths entry "
              + shown
              + missing
              + "; the kubelet would pull without credentials. Give"
              + " username and password (or auth)");
      return;
    }
    Problem gcp = GcpKeys.check(shown, username, password);
    if (gcp != null) {
      problems.add(gcp);
    }
  }

  private void checkDockerHubAlias(RegistryKey key) {
    String host = String.join(".", key.hostPort().labels()).toLowerCase(Locale.ROOT);
    boolean hubHost = host.equals("docker.io") || DOCKER_HUB_ALIASES.contains(host);
    boolean used =
        key.isDockerHubFallback() || String.join(".", key.hostPort().labels()).equals("docker.io");
    if (hubHost && key.hostPort().port().isEmpty() && !used) {
      problem(
          ProblemCode.DOCKER_HUB_KEY_NOT_USED,
          "auths key "
              + key.display()
              + " is never used for Docker Hub images: the kubelet looks"
              + " them up as docker.io/..., falling back only to https://index.docker.io/v1/;"
              + " write "
              + Text.quote("docker.io" + key.path())
              + (key.path().isEmpty() ? " or \"https://index.docker.io/v1/\"" : "")
              + " instead");
    }
  }

  private void reportDuplicates() {
    Map<String, List<String>> byIndexKey = new LinkedHashMap<>();
    for (DockerConfig.Entry entry : entries) {
      byIndexKey
          .computeIfAbsent(entry.key().indexKey(), k -> new ArrayList<>())
          .add(entry.key().display());
    }
    byIndexKey.forEach(
        (indexKey, keys) -> {
          if (keys.size() > 1) {
            problem(
                ProblemCode.DUPLICATE_REGISTRY,
                "auths keys "
                    + String.join(", ", keys)
                    + " are one registry for the kubelet ("
                    + RegistryKey.display(indexKey)
                    + "), which tries them in an unpredictable"
                    + " order; keep one");
          }
        });
  }

  /** Go's encoding/json: base64 with or without padding; it skips line breaks. */
  private static String decodeAuth(String auth) {
    try {
      byte[] bytes = Base64.getDecoder().decode(auth.replace("\r", "").replace("\n", ""));
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Go's encoding/json matches field names exactly first, then case-insensitively. */
  private static JsonNode field(JsonNode object, String name) {
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

  private static String type(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private void malformed(String what) {
    problem(ProblemCode.MALFORMED_ENTRY, what + "; the kubelet refuses the whole secret");
  }

  private void problem(ProblemCode code, String message) {
    problems.add(Problem.of(code, message));
  }
}
