package dev.pullsecret.webhook.providers;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.providers.PluginFailure.Kind;
import dev.pullsecret.webhook.text.StrictJson;
import dev.pullsecret.webhook.text.Text;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a plugin's standard output as the kubelet does (pkg/credentialprovider/plugin/plugin.go): a
 * {@code CredentialProviderResponse} of the apiVersion the provider is configured with, decoded
 * strictly (an unknown field is an error), with a {@code cacheKeyType} of {@code Image}, {@code
 * Registry} or {@code Global} (the kubelet drops any other answer), an optional {@code
 * cacheDuration} and {@code auth}: registry to {@code {username, password}}. Nothing of the output
 * is ever quoted in a failure (it holds credentials); only field names and the types found.
 */
final class PluginResponse {

  /**
   * What a plugin answered: its {@code auth} entries (key: a registry or a matchImages-like
   * pattern) and how long they last, as {@link ProviderCredentials} has them for all its answers.
   */
  record Answer(List<RegistryCredential> auth, Duration lifetime) {}

  static final String KIND = "CredentialProviderResponse";
  static final String REQUEST_KIND = "CredentialProviderRequest";

  private static final Set<String> FIELDS =
      Set.of("apiVersion", "kind", "cacheKeyType", "cacheDuration", "auth");
  private static final Set<String> AUTH_FIELDS = Set.of("username", "password");
  private static final Set<String> CACHE_KEY_TYPES = Set.of("Image", "Registry", "Global");

  /** More registries than any plugin answers; bounds the work done on an answer. */
  static final int MAX_AUTH_ENTRIES = 1000;

  /** Strict as the kubelet's decoding: a field given twice is refused (which would win?). */
  private static final JsonMapper JSON =
      StrictJson.mapper(16)
          .rebuild()
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .build();

  private PluginResponse() {}

  /** The request the kubelet writes to a plugin's standard input, for {@code image}. */
  static byte[] request(String apiVersion, String image) {
    var request = JSON.createObjectNode();
    request.put("kind", REQUEST_KIND);
    request.put("apiVersion", apiVersion);
    request.put("image", image);
    return (JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @throws PluginFailure of kind {@link Kind#INVALID_RESPONSE}, saying what is wrong
   */
  static Answer parse(byte[] stdout, CredentialProvider provider) throws PluginFailure {
    JsonNode root;
    try {
      root = JSON.readTree(stdout);
    } catch (JacksonException e) {
      String what =
          String.valueOf(e.getOriginalMessage()).startsWith("Duplicate property")
              ? "its output gives a field twice"
              : "its output is not JSON";
      throw invalid(what + StrictJson.where(e.getLocation()));
    }
    if (root == null || root.isMissingNode()) {
      throw invalid("it wrote nothing to its standard output");
    }
    require(root, root.isObject(), "its output", "an object");
    String answeredVersion = root.path("apiVersion").stringValue(null);
    if (!provider.apiVersion().equals(answeredVersion)) {
      throw invalid(
          "it answered apiVersion %s where the config says %s (the kubelet refuses that too)"
              .formatted(Text.quote(answeredVersion), provider.apiVersion()));
    }
    String kind = root.path("kind").stringValue(null);
    if (!KIND.equals(kind)) {
      throw invalid("it answered kind " + Text.quote(kind) + ", not " + KIND);
    }
    known(root, FIELDS, "its answer");
    String cacheKeyType = root.path("cacheKeyType").stringValue(null);
    if (cacheKeyType == null || !CACHE_KEY_TYPES.contains(cacheKeyType)) {
      throw invalid(
          "cacheKeyType %s is none of Image, Registry, Global (the kubelet drops such an answer)"
              .formatted(Text.quote(cacheKeyType)));
    }
    Duration lifetime = provider.defaultCacheDuration();
    if (root.hasNonNull("cacheDuration")) {
      try {
        lifetime = GoDuration.parse(root.path("cacheDuration").stringValue(""));
      } catch (IllegalArgumentException e) {
        throw invalid("cacheDuration " + e.getMessage());
      }
    }
    return new Answer(auth(root.get("auth")), lifetime);
  }

  private static List<RegistryCredential> auth(JsonNode auth) throws PluginFailure {
    if (auth == null || auth.isNull()) {
      return List.of();
    }
    require(auth, auth.isObject(), "auth", "an object");
    if (auth.size() > MAX_AUTH_ENTRIES) {
      throw invalid("auth has " + auth.size() + " entries; at most " + MAX_AUTH_ENTRIES);
    }
    List<RegistryCredential> credentials = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : auth.properties()) {
      JsonNode value = entry.getValue();
      String where = "auth entry " + key(entry.getKey());
      require(value, value.isObject(), where, "an object");
      known(value, AUTH_FIELDS, where);
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        JsonNode text = field.getValue();
        require(
            text,
            text.isNull() || text.isString(),
            "field " + field.getKey() + " of " + where,
            "a string");
      }
      String username = value.path("username").stringValue("");
      if (username.indexOf(':') >= 0) { // user:password, as the kubelet splits it at the first ':'
        throw invalid("the username of " + where + " has a ':', which basic auth cannot carry");
      }
      credentials.add(
          new RegistryCredential(entry.getKey(), username, value.path("password").stringValue("")));
    }
    return List.copyOf(credentials);
  }

  /** An auth key quoted for a message, without what may come before an @ (user:password@). */
  static String key(String key) {
    return Text.quote(key.substring(key.lastIndexOf('@') + 1));
  }

  /** Names the type found, never the value: {@code auth is a JSON string, not an object}. */
  private static void require(JsonNode node, boolean valid, String what, String expected)
      throws PluginFailure {
    if (!valid) {
      throw invalid("%s is a JSON %s, not %s".formatted(what, StrictJson.type(node), expected));
    }
  }

  private static void known(JsonNode object, Set<String> fields, String where)
      throws PluginFailure {
    for (String field : object.propertyNames()) {
      if (!fields.contains(field)) {
        throw invalid("unknown field " + Text.quote(field) + " in " + where);
      }
    }
  }

  private static PluginFailure invalid(String message) {
    return new PluginFailure(Kind.INVALID_RESPONSE, message);
  }
}
