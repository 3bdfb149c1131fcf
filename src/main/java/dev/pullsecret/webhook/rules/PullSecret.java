package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.text.Text;
import io.fabric8.kubernetes.client.utils.KubernetesResourceUtil;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A pull secret that rules may inject, and the registries it serves. A secret with no registries
 * serves every image; one with registries is only added to pods that use at least one image from
 * them, so a pod never carries credentials it has no use for.
 *
 * @param source where the webhook copies the secret's content from, or null when it only adds the
 *     reference and the Secret is managed by other means; for a secret with a {@code provider}, the
 *     Secret the webhook generates in its own namespace ({@link #generatedSourceName})
 * @param provider the credential provider (its name in the CredentialProviderConfig) whose plugin
 *     the webhook runs for each registry to make the content, renewed before it expires; null for a
 *     secret whose content comes from a source Secret, or from nowhere
 */
public record PullSecret(
    String name, List<RegistryPattern> registries, SecretSource source, String provider) {

  public static final String GENERATED_SUFFIX = "-provider";

  static final Set<String> KEYS = Set.of("name", "registries", "source", "provider");

  /**
   * Pull secrets one rule gives: each is added to every pod of the namespaces it covers (a pod list
   * of more than 256 is refused when the webhook reads it again, and a pod with more than 64 is not
   * recovered) and copied into each of them; real rules give a few.
   */
  static final int MAX_PER_RULE = 64;

  /** Declared names an unknown name's error lists: the first, not thousands in each error. */
  private static final int KNOWN_LISTED = 10;

  public PullSecret {
    registries = List.copyOf(registries);
  }

  /** The name of the {@code source} generated for a pull secret with a {@code provider}. */
  public static String generatedSourceName(String name) {
    return name + GENERATED_SUFFIX;
  }

  /**
   * Why {@code name} is not a credential provider's name, as a whole message; null when it is one.
   * A provider's name is the file name of its plugin in the plugin directory, so the kubelet's
   * rules for it (pkg/credentialprovider/plugin/config.go) apply wherever one is written: in a
   * CredentialProviderConfig and in a pull secret's {@code provider}.
   */
  public static String providerProblem(String name) {
    String why;
    if (name.isEmpty()) {
      why = "it is empty";
    } else if (name.contains("/")) {
      why = "it contains '/'";
    } else if (name.contains(" ")) {
      why = "it contains a space";
    } else if (name.equals(".") || name.equals("..")) {
      why = "it is '" + name + "'";
    } else if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      why = "it contains a control character";
    } else {
      return null;
    }
    return Text.quote(name)
        + " is not a provider name: "
        + why
        + ", and a provider's name is the file name of its plugin in the plugin directory";
  }

  /** Reads {@code pullSecrets:}; returns the valid ones by name, in file order. */
  static Map<String, PullSecret> read(List<YamlMapping> nodes, RulesErrors errors) {
    Map<String, PullSecret> byName = new LinkedHashMap<>();
    Map<String, String> generatedFor = new HashMap<>();
    List<YamlValue> names = new ArrayList<>();
    for (YamlMapping node : nodes) {
      Optional<YamlValue> name = node.requiredString("name");
      Optional<YamlValue> provider = node.string("provider");
      List<RegistryPattern> registries =
          node.list(
              "registries",
              false,
              "an empty list would match no image; omit 'registries' to serve every registry",
              registry -> registry(registry, provider.isPresent(), errors));
      SecretSource source =
          node.string("source").flatMap(v -> errors.parse(v, SecretSource::parse)).orElse(null);
      provider.ifPresent(value -> checkProvider(node, value, name, errors));
      if (name.isEmpty()) {
        continue;
      }
      names.add(name.get());
      String text = name.get().text();
      if (!KubernetesResourceUtil.isValidSubdomainName(text)) {
        errors.add(
            name.get(),
            ("'%s' is not a valid Secret name (a DNS-1123 subdomain: lower-case letters, digits,"
                    + " '-' and '.', at most 253 characters)")
                .formatted(text));
      } else if (byName.containsKey(text)) {
        errors.add(name.get(), "pull secret '" + text + "' is declared twice");
      } else {
        if (provider.isPresent()) {
          source = new SecretSource(null, generatedSourceName(text));
          generatedFor.put(source.name(), text);
        }
        String providerName = provider.map(YamlValue::text).orElse(null);
        byName.put(text, new PullSecret(text, registries, source, providerName));
      }
    }
    // One named as the Secret generated for another would be copied from, and watched as, it.
    for (YamlValue name : names) {
      String owner = generatedFor.get(name.text());
      if (owner != null) {
        errors.add(
            name,
            ("'%s' is the name of the Secret the webhook generates for pull secret '%s' (its"
                    + " provider's credentials): name this one otherwise")
                .formatted(name.text(), owner));
      }
    }
    return byName;
  }

  /** The pull secrets a rule lists, each one {@code declared} and listed once (else reported). */
  static List<PullSecret> named(
      List<YamlValue> names, Map<String, PullSecret> declared, RulesErrors errors) {
    List<PullSecret> secrets = new ArrayList<>();
    if (names.size() > MAX_PER_RULE) {
      errors.add(
          names.get(MAX_PER_RULE),
          "more than %d pull secrets in one rule: each goes into every pod and namespace it covers"
              .formatted(MAX_PER_RULE));
      return secrets;
    }
    for (YamlValue name : names) {
      PullSecret secret = declared.get(name.text());
      if (secret == null && errors.listing()) {
        errors.add(
            name,
            "unknown pull secret '%s' (declared under pullSecrets: %s)%s"
                .formatted(
                    name.text(),
                    known(declared.keySet()),
                    Suggestions.hint(name.text(), declared.keySet())));
      } else if (secret == null) {
        errors.add(name, "unknown pull secret"); // counted, not listed
      } else if (secrets.contains(secret)) {
        errors.add(name, "pull secret '" + name.text() + "' is listed twice");
      } else {
        secrets.add(secret);
      }
    }
    return secrets;
  }

  /** The names declared, the first {@value #KNOWN_LISTED} of them when there are more. */
  private static String known(Set<String> declared) {
    if (declared.size() <= KNOWN_LISTED) {
      return declared.isEmpty() ? "none" : String.join(", ", declared);
    }
    return String.join(", ", declared.stream().limit(KNOWN_LISTED).toList())
        + ", ... (%d in all)".formatted(declared.size());
  }

  /** What a pull secret whose content a credential provider gives needs (the messages say why). */
  private static void checkProvider(
      YamlMapping node, YamlValue provider, Optional<YamlValue> name, RulesErrors errors) {
    errors.check(provider, providerProblem(provider.text()));
    if (name.isPresent() && generatedSourceName(name.get().text()).length() > 253) {
      errors.add(
          name.get(),
          "too long for a pull secret with a provider: the Secret the webhook generates for it, NAME"
              + GENERATED_SUFFIX
              + ", must fit in 253 characters");
    }
    if (node.has("source")) {
      errors.add(
          provider,
          "a pull secret's content comes from a source Secret or from a credential provider,"
              + " not both: drop 'source' (the webhook generates the source of this one)");
    }
    if (!node.has("registries")) {
      errors.add(
          provider,
          "a credential provider is asked about each registry of the pull secret: list them in"
              + " 'registries'");
    }
  }

  /**
   * A registry pattern; for a pull secret with a provider, one it can be {@code asked} about: a
   * provider is asked about one registry at a time, so a host, not a glob.
   */
  private static Optional<RegistryPattern> registry(
      YamlValue registry, boolean asked, RulesErrors errors) {
    Optional<RegistryPattern> pattern = errors.registryPattern(registry);
    if (asked && registry.text().split("/", 2)[0].contains("*")) {
      errors.add(
          registry,
          ("'%s' has a wildcard, and a credential provider is asked about one registry at a time,"
                  + " as the kubelet asks it about one image: it cannot be asked about every host"
                  + " a glob matches. List the hosts the pods pull from (e.g."
                  + " europe-docker.pkg.dev, 123456789012.dkr.ecr.eu-west-1.amazonaws.com)")
              .formatted(registry.text()));
    }
    return pattern;
  }

  /** Whether the webhook copies this secret into the namespaces its rules cover. */
  public boolean isDelivered() {
    return source != null;
  }

  /** Whether its content comes from a credential provider, renewed by the webhook. */
  public boolean hasProvider() {
    return provider != null;
  }

  /** This pull secret with its source resolved against the webhook's namespace. */
  public PullSecret inNamespace(String ownNamespace) {
    return source == null
        ? this
        : new PullSecret(name, registries, source.in(ownNamespace), provider);
  }

  public boolean servesAnyOf(Collection<ImageReference> images) {
    return registries.isEmpty()
        || images.stream().anyMatch(image -> registries.stream().anyMatch(r -> r.matches(image)));
  }

  /** Its registries in messages: {@code a.io, b.io}, or {@code every registry}. */
  public String registriesText() {
    return registries.isEmpty()
        ? "every registry"
        : registries.stream().map(RegistryPattern::toString).collect(Collectors.joining(", "));
  }
}
