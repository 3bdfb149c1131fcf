package dev.pullsecret.webhook.credentials;

import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.text.Text;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The content of a pull secret, read and checked as the kubelet will use it: the type, the data
 * key, base64, JSON, every auths entry, and whether the registries the pull secret is bound to are
 * covered by its keys. Never throws on content: every problem is listed, with a stable {@link
 * ProblemCode}, in {@link #problems()}, and the entries that could be read are in {@link
 * #config()}.
 *
 * <p>Plain Java, no API-server calls: give it a Secret's type and {@code data} (as the API returns
 * them, base64) and the bound registry patterns. The secret's values appear nowhere in the result
 * but in {@link RegistryCredential}'s accessors.
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
              ProblemCode.WRONG_TYPE,
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
    byte[] content = content(values, dataKey, decode, problems);
    if (content == null) {
      return new PullSecretCheck(DockerConfig.EMPTY, problems);
    }
    boolean legacy = dataKey.equals(DOCKERCFG_KEY);
    DockerConfig config = DockerConfigParser.parse(content, dataKey, legacy, problems);
    if (!config.isEmpty() && registries != null) {
      registries.stream()
          .filter(registry -> !config.covers(registry))
          .forEach(registry -> problems.add(notCovered(registry, config, dataKey)));
    }
    return new PullSecretCheck(config, problems);
  }

  private static <V> byte[] content(
      Map<String, V> values, String dataKey, Function<V, byte[]> decode, List<Problem> problems) {
    V value = values.get(dataKey);
    if (value == null) {
      problems.add(
          new Problem(
              ProblemCode.MISSING_KEY,
              "no data key " + Text.quote(dataKey) + " (keys: " + keys(values) + ")"));
      return null;
    }
    byte[] content;
    try {
      content = decode.apply(value);
    } catch (IllegalArgumentException e) {
      problems.add(
          new Problem(ProblemCode.NOT_BASE64, "data " + Text.quote(dataKey) + " is not base64"));
      return null;
    }
    if (content == null || content.length > MAX_CONTENT_BYTES) {
      problems.add(
          new Problem(
              ProblemCode.TOO_LARGE,
              "data %s is over %d bytes; a registry config is a few hundred bytes per registry"
                  .formatted(Text.quote(dataKey), MAX_CONTENT_BYTES)));
      return null;
    }
    if (content.length == 0) {
      problems.add(
          new Problem(ProblemCode.MISSING_KEY, "data " + Text.quote(dataKey) + " is empty"));
      return null;
    }
    return content;
  }

  /** Null when the base64 is too long to be worth decoding. */
  private static byte[] decodeBase64(String value) {
    // refuse before decoding: 4 characters per 3 bytes, and some room for line breaks
    return value.length() > MAX_CONTENT_BYTES / 3 * 4 + 1024
        ? null
        : Base64.getDecoder().decode(value);
  }

  private static Problem notCovered(RegistryPattern registry, DockerConfig config, String dataKey) {
    String keys = Text.joined(config.credentials(), c -> RegistryKey.display(c.key()), ", ", 10);
    return new Problem(
        ProblemCode.REGISTRY_NOT_COVERED,
        """
        no auths key of %s covers registry %s that the pull secret is bound to (keys: %s); the \
        kubelet would pull its images without credentials. Add an auths entry for the registry: \
        same host (a * matches one label), same port, a path that is a prefix"""
            .formatted(Text.quote(dataKey), Text.quote(registry.toString()), keys));
  }

  private static String keys(Map<String, ?> values) {
    List<String> keys = List.copyOf(new TreeSet<>(values.keySet()));
    return keys.isEmpty() ? "none" : Text.joined(keys, Text::quote, ", ", 10);
  }
}
