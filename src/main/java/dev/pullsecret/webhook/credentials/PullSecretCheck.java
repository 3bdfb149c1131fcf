package dev.pullsecret.webhook.credentials;

import static dev.pullsecret.webhook.credentials.AuthsEntry.field;
import static dev.pullsecret.webhook.text.StrictJson.type;

import dev.pullsecret.webhook.credentials.Problem.Code;
import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.text.StrictJson;
import dev.pullsecret.webhook.text.Text;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The content of a pull secret, read and checked as the kubelet will use it: the type, the data
 * key, base64, JSON, every auths entry, and whether the registries the pull secret is bound to are
 * covered by its keys. Never throws on content: every problem is listed, with a stable {@link
 * Problem.Code}.
 *
 * <p>Plain Java, no API-server calls. The secret's values appear nowhere in the result but in
 * {@link RegistryCredential}'s accessors.
 *
 * @param config the entries that could be read, for lookups ({@link DockerConfig#EMPTY} if none)
 * @param problems every problem found, in the order of the checks; empty when all is well
 */
public record PullSecretCheck(DockerConfig config, List<Problem> problems) {

  public static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
  public static final String DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson";
  public static final String DOCKERCFG = "kubernetes.io/dockercfg";
  public static final String DOCKERCFG_KEY = ".dockercfg";

  /** Kubernetes refuses Secrets over 1 MiB; content over that is not from a real Secret. */
  public static final int MAX_CONTENT_BYTES = 1 << 20;

  /** Far more registries than any real secret names; bounds the work of every lookup. */
  static final int MAX_ENTRIES = 1000;

  /** A config nests 3 levels deep; extra fields (HttpHeaders, credHelpers) add one or two. */
  static final JsonMapper JSON = StrictJson.mapper(32);

  public PullSecretCheck {
    problems = List.copyOf(problems);
  }

  /**
   * Checks a Secret as the API returns it: {@code secret.getType()} and {@code secret.getData()},
   * whose values are base64 ({@code stringData} is write-only and never returned).
   *
   * @param type the Secret's type; {@code null} is Opaque, as the API server defaults it
   * @param data the Secret's data, values in base64; may be {@code null}
   * @param registries the patterns the pull secret is bound to ({@code registries:} of the rules);
   *     empty (or null) for a pull secret given to every pod, whose keys are then not checked for
   *     coverage
   */
  public static PullSecretCheck of(
      String type, Map<String, String> data, Collection<RegistryPattern> registries) {
    return check(type, data, registries, PullSecretCheck::decodeBase64);
  }

  /** As {@link #of}, with data values already decoded (as read from a mounted Secret volume). */
  public static PullSecretCheck ofDecoded(
      String type, Map<String, byte[]> data, Collection<RegistryPattern> registries) {
    return check(type, data, registries, bytes -> bytes);
  }

  private static <V> PullSecretCheck check(
      String type,
      Map<String, V> data,
      Collection<RegistryPattern> registries,
      Function<V, byte[]> decode) {
    List<Problem> problems = new ArrayList<>();
    Map<String, V> values = data == null ? Map.of() : data;
    String dataKey;
    if (DOCKER_CONFIG_JSON.equals(type)) {
      dataKey = DOCKER_CONFIG_JSON_KEY;
    } else if (DOCKERCFG.equals(type)) {
      dataKey = DOCKERCFG_KEY;
    } else {
      problems.add(
          new Problem(
              Code.WRONG_TYPE,
              """
              type %s: the kubelet reads only secrets of type %s (or the legacy %s); recreate it \
              with kubectl create secret docker-registry, or with that type"""
                  .formatted(
                      type == null ? "Opaque (none given)" : Text.quote(type),
                      DOCKER_CONFIG_JSON,
                      DOCKERCFG)));
      // go on with whichever content is there, to report all that is wrong at once
      dataKey =
          values.containsKey(DOCKERCFG_KEY) && !values.containsKey(DOCKER_CONFIG_JSON_KEY)
              ? DOCKERCFG_KEY
              : DOCKER_CONFIG_JSON_KEY;
      if (!values.containsKey(dataKey)) {
        return new PullSecretCheck(DockerConfig.EMPTY, problems);
      }
    }
    JsonNode auths = auths(values, dataKey, decode, problems);
    DockerConfig config = auths == null ? DockerConfig.EMPTY : DockerConfig.read(auths, problems);
    if (!config.isEmpty() && registries != null) {
      registries.stream()
          .filter(registry -> !config.covers(registry))
          .forEach(registry -> problems.add(config.notCovered(registry, dataKey)));
    }
    return new PullSecretCheck(config, problems);
  }

  /**
   * The map of auths entries under {@code dataKey}: of a {@code .dockerconfigjson} ({@code
   * {"auths": {key: entry}}}) or legacy {@code .dockercfg} ({@code {key: entry}}); null when there
   * is none to read. Parser messages are never passed on, as they may quote the content.
   */
  private static <V> JsonNode auths(
      Map<String, V> values, String dataKey, Function<V, byte[]> decode, List<Problem> problems) {
    String quoted = Text.quote(dataKey);
    V value = values.get(dataKey);
    if (value == null) {
      List<String> keys = values.keySet().stream().sorted().toList();
      String shown = keys.isEmpty() ? "none" : Text.joined(keys, Text::quote, ", ", 10);
      return refused(
          problems, Code.MISSING_KEY, "no data key " + quoted + " (keys: " + shown + ")");
    }
    byte[] content;
    try {
      content = decode.apply(value);
    } catch (IllegalArgumentException e) {
      return refused(problems, Code.NOT_BASE64, "data " + quoted + " is not base64");
    }
    if (content == null || content.length > MAX_CONTENT_BYTES) {
      return refused(
          problems,
          Code.TOO_LARGE,
          "data %s is over %d bytes; a registry config is a few hundred bytes per registry"
              .formatted(quoted, MAX_CONTENT_BYTES));
    }
    if (content.length == 0) {
      return refused(problems, Code.MISSING_KEY, "data " + quoted + " is empty");
    }
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (JacksonException e) {
      return refused(
          problems,
          Code.NOT_JSON,
          quoted + " is not valid JSON" + StrictJson.where(e.getLocation()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return refused(
          problems, Code.NO_AUTHS, quoted + " is JSON null: it has no registry credentials");
    }
    if (!root.isObject()) {
      return refused(
          problems, Code.NOT_JSON, quoted + " is a JSON " + type(root) + ", not an object");
    }
    boolean legacy = dataKey.equals(DOCKERCFG_KEY);
    JsonNode auths = legacy ? root : field(root, "auths");
    String none = noAuthsReason(root, auths, legacy);
    if (none != null) {
      return refused(problems, Code.NO_AUTHS, quoted + none);
    }
    if (auths.size() > MAX_ENTRIES) {
      return refused(
          problems,
          Code.TOO_MANY_ENTRIES,
          quoted + " has " + auths.size() + " registries; at most " + MAX_ENTRIES + " are read");
    }
    return auths;
  }

  /** Why {@code auths} (the root itself, in the legacy format) has no entries to read, or null. */
  private static String noAuthsReason(JsonNode root, JsonNode auths, boolean legacy) {
    JsonNode wrapped = field(root, "auths");
    if (legacy && root.size() == 1 && wrapped != null && wrapped.isObject()) {
      return " has the .dockerconfigjson format (an \"auths\" map), which the kubelet reads here"
          + " as a registry named \"auths\"; use type kubernetes.io/dockerconfigjson with key"
          + " .dockerconfigjson, or drop the \"auths\" wrapper";
    }
    boolean absent = auths == null || auths.isNull();
    if (!absent && !auths.isObject()) {
      return ": \"auths\" is a JSON " + type(auths) + ", not an object";
    }
    if (!absent && !auths.isEmpty()) {
      return null;
    }
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

  /** Adds the problem and returns null: the guard clauses of reading the content. */
  private static <T> T refused(List<Problem> problems, Code code, String message) {
    problems.add(new Problem(code, message));
    return null;
  }

  /** Null when the base64 is too long to be worth decoding. */
  private static byte[] decodeBase64(String value) {
    // refuse before decoding: 4 characters per 3 bytes, and some room for line breaks
    return value.length() > MAX_CONTENT_BYTES / 3 * 4 + 1024
        ? null
        : Base64.getDecoder().decode(value);
  }
}
