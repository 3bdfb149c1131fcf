package dev.pullsecret.webhook.providers;

import dev.pullsecret.webhook.files.BoundedFiles;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.RulesError;
import dev.pullsecret.webhook.rules.RulesErrors;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.rules.YamlMapping;
import dev.pullsecret.webhook.rules.YamlValue;
import dev.pullsecret.webhook.text.Text;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One provider of a CredentialProviderConfig ({@code kubelet.config.k8s.io/v1}), as the kubelet
 * reads it: {@link ProviderPlugin} runs it for images that {@code matchImages} match.
 *
 * <p>The config, the file a platform team gives its kubelets ({@code
 * --image-credential-provider-config}), is read in YAML or JSON with the kubelet's checks ({@code
 * validateCredentialProviderConfig} in pkg/credentialprovider/plugin/config.go, listed in
 * docs/short-lived-credentials.md), every error reported at once and located, as for the rules;
 * unknown fields are refused (the kubelet decodes strictly too). Two things the kubelet accepts are
 * refused here, saying why: {@code tokenAttributes} ({@link #NO_TOKEN_ATTRIBUTES}), and {@code
 * matchImages} patterns the rules' registry patterns refuse (a scheme, a glob in a port or path:
 * see {@link RegistryPattern}).
 *
 * @param defaultCacheDuration how long its credentials last when its answer gives no {@code
 *     cacheDuration}
 * @param env the configured variables (of two with one name, the later wins, as in the kubelet)
 */
public record CredentialProvider(
    String name,
    List<RegistryPattern> matchImages,
    Duration defaultCacheDuration,
    String apiVersion,
    List<String> args,
    Map<String, String> env) {

  /** The group versions of the config file the kubelet reads. */
  static final List<String> CONFIG_API_VERSIONS =
      List.of(
          "kubelet.config.k8s.io/v1",
          "kubelet.config.k8s.io/v1beta1",
          "kubelet.config.k8s.io/v1alpha1");

  /** The exec protocol's versions, as the kubelet lists them. */
  public static final List<String> PLUGIN_API_VERSIONS =
      List.of(
          "credentialprovider.kubelet.k8s.io/v1",
          "credentialprovider.kubelet.k8s.io/v1beta1",
          "credentialprovider.kubelet.k8s.io/v1alpha1");

  static final String KIND = "CredentialProviderConfig";

  /** A config names a provider per cloud; a file of several MiB is not one. */
  static final int MAX_CHARACTERS = 256 * 1024;

  private static final Set<String> TOP_LEVEL_KEYS = Set.of("apiVersion", "kind", "providers");
  private static final Set<String> PROVIDER_KEYS =
      Set.of(
          "name",
          "matchImages",
          "defaultCacheDuration",
          "apiVersion",
          "args",
          "env",
          "tokenAttributes");
  private static final Set<String> ENV_KEYS = Set.of("name", "value");

  static final String NO_TOKEN_ATTRIBUTES =
      "tokenAttributes makes the kubelet pass the plugin a token of the pulling pod's"
          + " ServiceAccount; the webhook renews credentials ahead of any pod, so it has none to"
          + " pass. Give the plugin an identity of its own (the webhook's ServiceAccount through"
          + " workload identity, docs/short-lived-credentials.md) and drop tokenAttributes";

  /** A repository name under the registry, to test it as an image: any name would do. */
  private static final String PROBE_REPOSITORY = "pullsecret-webhook-probe";

  public CredentialProvider {
    matchImages = List.copyOf(matchImages);
    args = List.copyOf(args);
    env = Map.copyOf(env);
  }

  /**
   * Whether the kubelet would ask this plugin about images of {@code registry} (a pull secret's
   * registry, a host with an optional port and path): one of {@code matchImages} matches them.
   */
  public boolean matches(RegistryPattern registry) {
    ImageReference image;
    try {
      image = ImageReference.parse(registry + "/" + PROBE_REPOSITORY);
    } catch (InvalidImageSyntaxException e) {
      return false;
    }
    return matchImages.stream().anyMatch(pattern -> pattern.matches(image));
  }

  /**
   * Reads and parses the config file (following symbolic links: a mounted ConfigMap).
   *
   * @throws InvalidProviderConfigException when it cannot be read or is invalid
   */
  public static List<CredentialProvider> read(Path file) {
    String text;
    try {
      text = BoundedFiles.utf8(BoundedFiles.read(file, MAX_CHARACTERS * 4));
    } catch (IOException e) {
      throw new InvalidProviderConfigException(
          file.toString(), List.of(new RulesError("", 0, 0, BoundedFiles.why(e))));
    }
    return parse(text, file.toString());
  }

  /**
   * @param source names the file in error locations
   * @return the providers, in file order
   * @throws InvalidProviderConfigException with every error found
   */
  public static List<CredentialProvider> parse(String text, String source) {
    var errors = new RulesErrors();
    List<CredentialProvider> config =
        RulesParser.document(
                text, "credential provider config", MAX_CHARACTERS, TOP_LEVEL_KEYS, errors)
            .map(top -> read(top, errors))
            .orElse(null);
    if (errors.count() > 0 || config == null) {
      throw new InvalidProviderConfigException(source, errors.sorted());
    }
    return config;
  }

  private static List<CredentialProvider> read(YamlMapping top, RulesErrors errors) {
    top.requiredString("apiVersion")
        .ifPresent(
            v ->
                version(
                    v,
                    CONFIG_API_VERSIONS,
                    "a CredentialProviderConfig version the kubelet reads",
                    errors));
    top.requiredString("kind")
        .filter(v -> !v.text().equals(KIND))
        .ifPresent(v -> errors.add(v, "must be " + KIND + ", not " + Text.quote(v.text())));
    top.refuseEmptyList("providers", true, "at least one provider is required (providers: [...])");
    List<CredentialProvider> providers = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (YamlMapping node : top.mappingList("providers", PROVIDER_KEYS)) {
      readProvider(node, names, errors).ifPresent(providers::add);
    }
    return List.copyOf(providers);
  }

  private static Optional<CredentialProvider> readProvider(
      YamlMapping node, Set<String> names, RulesErrors errors) {
    int before = errors.count();
    String name = node.requiredString("name").map(v -> name(v, names, errors)).orElse(null);
    String apiVersion =
        node.requiredString("apiVersion")
            .map(v -> version(v, PLUGIN_API_VERSIONS, "a version of the exec protocol", errors))
            .orElse(null);
    List<RegistryPattern> matchImages =
        node.list(
            "matchImages",
            true,
            "at least one pattern is required: the images the plugin is asked about",
            errors::registryPattern);
    Duration cacheDuration =
        node.requiredString("defaultCacheDuration")
            .flatMap(v -> errors.parse(v, GoDuration::parse))
            .orElse(null);
    List<String> args = node.stringList("args").stream().map(YamlValue::text).toList();
    Map<String, String> env = new HashMap<>();
    for (YamlMapping variable : node.mappingList("env", ENV_KEYS)) {
      Optional<YamlValue> key = variable.requiredString("name");
      Optional<YamlValue> value = variable.requiredString("value");
      key.filter(k -> k.text().isEmpty() || k.text().contains("="))
          .ifPresent(
              k -> errors.add(k, "an environment variable name is not empty and has no '='"));
      if (key.isPresent() && value.isPresent()) {
        env.put(key.get().text(), value.get().text());
      }
    }
    if (node.has("tokenAttributes")) {
      errors.add(node.child("tokenAttributes"), node.mark(), NO_TOKEN_ATTRIBUTES);
    }
    if (errors.count() > before) {
      return Optional.empty();
    }
    return Optional.of(
        new CredentialProvider(name, matchImages, cacheDuration, apiVersion, args, env));
  }

  private static String name(YamlValue value, Set<String> names, RulesErrors errors) {
    String problem = PullSecret.providerProblem(value.text());
    if (problem != null) {
      errors.add(value, problem);
    } else if (!names.add(value.text())) {
      errors.add(value, "provider " + Text.quote(value.text()) + " is configured twice");
    }
    return value.text();
  }

  private static String version(
      YamlValue value, List<String> versions, String what, RulesErrors errors) {
    if (!versions.contains(value.text())) {
      errors.add(
          value,
          Text.quote(value.text()) + " is not " + what + ": use " + String.join(", ", versions));
    }
    return value.text();
  }
}
