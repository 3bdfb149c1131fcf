package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import dev.pullsecret.webhook.image.RegistryPattern;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a rules document (see {@code examples/rules.yaml}), validates all of it, and compiles it
 * into {@link Rules}. Either every part is valid and compiled, or {@link InvalidRulesException}
 * lists every error with its line, column and field path: rules are never half-applied.
 */
public final class RulesParser {

  /** A rules file is a few KiB; a much larger one is a mistake, not a configuration. */
  public static final int MAX_CHARACTERS = 1024 * 1024;

  static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private static final Set<String> TOP_LEVEL_KEYS = Set.of("pullSecrets", "rules");
  private static final Set<String> SECRET_KEYS = Set.of("name", "registries", "source", "provider");

  private RulesParser() {}

  public static Rules parse(String text, String source) {
    return parse(text, source, true);
  }

  /**
   * @param labelsKnown whether namespace labels can be known where these rules apply; when not,
   *     every {@code namespaceSelector} is an error
   */
  public static Rules parse(String text, String source, boolean labelsKnown) {
    var errors = new RulesErrors();
    Optional<Node> root = compose(text, "rules file", errors);
    Rules rules = root.flatMap(node -> new Reader(errors, labelsKnown).read(node)).orElse(null);
    if (!errors.isEmpty() || rules == null) {
      throw new InvalidRulesException(source, errors.sorted());
    }
    return rules.withWarnings(errors.warnings());
  }

  /** The one YAML document of {@code text}, or empty with the errors recorded. */
  static Optional<Node> compose(String text, String what, RulesErrors errors) {
    if (text.length() > MAX_CHARACTERS) {
      errors.add("", null, "file too large: over " + MAX_CHARACTERS + " characters");
      return Optional.empty();
    }
    try {
      Iterator<Node> documents = yaml().composeAll(new StringReader(text)).iterator();
      if (!documents.hasNext()) {
        errors.add("", null, "the " + what + " is empty");
        return Optional.empty();
      }
      Node root = documents.next();
      if (documents.hasNext()) {
        errors.add("", documents.next().getStartMark(), "expected one YAML document, found more");
        return Optional.empty();
      }
      return Optional.of(root);
    } catch (MarkedYAMLException e) {
      var mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      errors.add("", mark, "not valid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      errors.add("", null, "not valid YAML: " + e.getMessage());
    }
    return Optional.empty();
  }

  private static Yaml yaml() {
    var options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setAllowRecursiveKeys(false);
    options.setMaxAliasesForCollections(10);
    options.setNestingDepthLimit(20);
    options.setCodePointLimit(MAX_CHARACTERS);
    return new Yaml(new SafeConstructor(options));
  }

  /** Walks the document once, collecting every error. */
  private static final class Reader {
    private final RulesErrors errors;
    private final Map<String, PullSecret> secretsByName = new LinkedHashMap<>();
    private final boolean labelsKnown;

    Reader(RulesErrors errors, boolean labelsKnown) {
      this.errors = errors;
      this.labelsKnown = labelsKnown;
    }

    Optional<Rules> read(Node root) {
      Optional<YamlMapping> document = YamlMapping.of(root, "", TOP_LEVEL_KEYS, errors);
      if (document.isEmpty()) {
        return Optional.empty();
      }
      YamlMapping top = document.get();
      List<YamlMapping> secrets = top.mappingList("pullSecrets", SECRET_KEYS);
      secrets.forEach(this::readSecret);
      secrets.forEach(this::checkGeneratedNames);
      if (!top.has("rules")) {
        errors.add("", top.mark(), "missing required field 'rules'");
      }
      var reader = new RuleReader(errors, secretsByName, labelsKnown);
      List<NamespaceRule> rules = new ArrayList<>();
      for (YamlMapping rule : top.mappingList("rules", RuleReader.KEYS)) {
        rules.add(reader.read(rule));
      }
      return Optional.of(new Rules(List.copyOf(secretsByName.values()), rules));
    }

    private void readSecret(YamlMapping node) {
      Optional<YamlValue> name = node.requiredString("name");
      List<RegistryPattern> registries = new ArrayList<>();
      if (node.isEmptyList("registries")) {
        errors.add(
            node.child("registries"),
            node.mark(),
            "an empty list would match no image; omit 'registries' to serve every registry");
      }
      for (YamlValue registry : node.stringList("registries")) {
        try {
          registries.add(RegistryPattern.parse(registry.text()));
        } catch (InvalidImageSyntaxException e) {
          errors.add(registry, e.getMessage());
        }
      }
      SecretSource source =
          node.string("source").map(v -> SecretSource.read(v, errors)).orElse(null);
      String provider = node.string("provider").map(v -> provider(node, v)).orElse(null);
      if (provider != null) {
        name.ifPresent(value -> source(value, errors));
      }
      name.filter(this::validSecretName)
          .ifPresent(
              value -> {
                if (secretsByName.containsKey(value.text())) {
                  errors.add(value, "pull secret '" + value.text() + "' is declared twice");
                } else {
                  SecretSource from =
                      provider == null
                          ? source
                          : new SecretSource(null, PullSecret.generatedSourceName(value.text()));
                  secretsByName.put(
                      value.text(), new PullSecret(value.text(), registries, from, provider));
                }
              });
    }

    /**
     * A pull secret whose content a credential provider gives: asked about each of its registries,
     * so they must be there and be hosts, not globs; and not a source as well.
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
      node.string("name")
          .ifPresent(
              name ->
                  secretsByName.values().stream()
                      .filter(
                          other ->
                              other.hasProvider()
                                  && PullSecret.generatedSourceName(other.name())
                                      .equals(name.text()))
                      .findFirst()
                      .ifPresent(
                          other ->
                              errors.add(
                                  name,
                                  "'"
                                      + name.text()
                                      + "' is the name of the Secret the webhook generates for"
                                      + " pull secret '"
                                      + other.name()
                                      + "' (its provider's credentials): name this one otherwise")));
    }

    /** The generated source's name must be a Secret name too. */
    private static void source(YamlValue name, RulesErrors errors) {
      String generated = PullSecret.generatedSourceName(name.text());
      if (generated.length() > 253) {
        errors.add(
            name,
            "too long for a pull secret with a provider: the Secret the webhook generates for it, "
                + "NAME"
                + PullSecret.GENERATED_SUFFIX
                + ", must fit in 253 characters");
      }
    }

    private boolean validSecretName(YamlValue name) {
      if (name.text().length() <= 253 && DNS_SUBDOMAIN.matcher(name.text()).matches()) {
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
}
