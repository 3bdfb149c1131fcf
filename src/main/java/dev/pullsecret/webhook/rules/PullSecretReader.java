package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.image.RegistryPattern;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates the entries of {@code pullSecrets:}: names, registries, and where the content
 * comes from (a source Secret, or a credential provider and the Secret generated for it).
 */
final class PullSecretReader {

  static final Set<String> KEYS = Set.of("name", "registries", "source", "provider");

  private final RulesErrors errors;
  private final Map<String, PullSecret> secretsByName = new LinkedHashMap<>();

  PullSecretReader(RulesErrors errors) {
    this.errors = errors;
  }

  /** The valid pull secrets, by name, in file order; every error recorded. */
  Map<String, PullSecret> read(List<YamlMapping> secrets) {
    secrets.forEach(this::read);
    secrets.forEach(this::checkGeneratedNames);
    return secretsByName;
  }

  private void read(YamlMapping node) {
    Optional<YamlValue> name = node.requiredString("name");
    node.refuseEmptyList(
        "registries",
        false,
        "an empty list would match no image; omit 'registries' to serve every registry");
    List<RegistryPattern> registries = node.parsedList("registries", RegistryPattern::parse);
    SecretSource source = node.string("source").map(v -> SecretSource.read(v, errors)).orElse(null);
    String provider = node.string("provider").map(v -> provider(node, v)).orElse(null);
    if (provider != null
        && name.isPresent()
        && PullSecret.generatedSourceName(name.get().text()).length() > 253) {
      // The generated source's name must be a Secret name too.
      errors.add(
          name.get(),
          "too long for a pull secret with a provider: the Secret the webhook generates for it, "
              + "NAME"
              + PullSecret.GENERATED_SUFFIX
              + ", must fit in 253 characters");
    }
    if (name.isEmpty() || !validSecretName(name.get())) {
      return;
    }
    String text = name.get().text();
    if (secretsByName.containsKey(text)) {
      errors.add(name.get(), "pull secret '" + text + "' is declared twice");
      return;
    }
    SecretSource from =
        provider == null ? source : new SecretSource(null, PullSecret.generatedSourceName(text));
    secretsByName.put(text, new PullSecret(text, registries, from, provider));
  }

  /**
   * A pull secret whose content a credential provider gives: asked about each of its registries, so
   * they must be there and be hosts, not globs; and not a source as well.
   */
  private String provider(YamlMapping node, YamlValue provider) {
    String problem = ProviderName.problem(provider.text());
    if (problem != null) {
      errors.add(provider, problem);
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
    for (YamlValue registry : node.stringList("registries")) {
      String host = registry.text().split("/", 2)[0];
      if (host.contains("*")) {
        errors.add(
            registry,
            "'"
                + registry.text()
                + "' has a wildcard, and a credential provider is asked about one registry at"
                + " a time, as the kubelet asks it about one image: it cannot be asked about"
                + " every host a glob matches. List the hosts the pods pull from (e.g."
                + " europe-docker.pkg.dev, 123456789012.dkr.ecr.eu-west-1.amazonaws.com)");
      }
    }
    return provider.text();
  }

  /**
   * A pull secret named as the Secret generated for another would be copied from, and watched as,
   * that Secret.
   */
  private void checkGeneratedNames(YamlMapping node) {
    Optional<YamlValue> name = node.string("name");
    for (PullSecret other : secretsByName.values()) {
      if (name.isPresent()
          && other.hasProvider()
          && PullSecret.generatedSourceName(other.name()).equals(name.get().text())) {
        errors.add(
            name.get(),
            "'"
                + name.get().text()
                + "' is the name of the Secret the webhook generates for pull secret '"
                + other.name()
                + "' (its provider's credentials): name this one otherwise");
        return;
      }
    }
  }

  private boolean validSecretName(YamlValue name) {
    if (name.text().length() <= 253 && RulesParser.DNS_SUBDOMAIN.matcher(name.text()).matches()) {
      return true;
    }
    errors.add(
        name,
        "'"
            + name.text()
            + "' is not a valid Secret name (a DNS-1123 subdomain: lower-case"
            + " letters, digits, '-' and '.', at most 253 characters)");
    return false;
  }
}
