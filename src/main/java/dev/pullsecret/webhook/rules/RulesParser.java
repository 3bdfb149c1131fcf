package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.image.RegistryPattern;
import io.fabric8.kubernetes.client.utils.KubernetesResourceUtil;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a rules document (see {@code examples/rules.yaml}), validates all of it (the pull secrets
 * here, each rule with {@link RuleReader}), and compiles it into {@link Rules}. Either every part
 * is valid and compiled, or {@link InvalidRulesException} lists every error with its line, column
 * and field path: rules are never half-applied.
 */
public final class RulesParser {

  /** A rules file is a few KiB; a much larger one is a mistake, not a configuration. */
  public static final int MAX_CHARACTERS = 1024 * 1024;

  private static final Set<String> TOP_LEVEL_KEYS = Set.of("pullSecrets", "rules");
  private static final Set<String> SECRET_KEYS = Set.of("name", "registries", "source", "provider");

  private final RulesErrors errors = new RulesErrors();

  /** The valid pull secrets, by name, in file order. */
  private final Map<String, PullSecret> secretsByName = new LinkedHashMap<>();

  /** The names of the Secrets generated for pull secrets with a provider, to their pull secret. */
  private final Map<String, String> generatedNames = new HashMap<>();

  private RulesParser() {}

  public static Rules parse(String text, String source) {
    return parse(text, source, true);
  }

  /**
   * @param labelsKnown as {@link RulesFile#labelsKnown()}
   */
  public static Rules parse(String text, String source, boolean labelsKnown) {
    var parser = new RulesParser();
    RulesErrors errors = parser.errors;
    Optional<Rules> rules =
        document(text, "rules file", MAX_CHARACTERS, TOP_LEVEL_KEYS, errors)
            .map(top -> parser.read(top, labelsKnown));
    if (!errors.isEmpty() || rules.isEmpty()) {
      throw new InvalidRulesException(source, errors.sorted());
    }
    return rules.get();
  }

  /**
   * Reads a whole document, with the loader limits of the rules file (no anchors, duplicate keys,
   * deep nesting or more than {@code maxCharacters}), as a mapping of {@code allowedKeys}; empty,
   * with the errors recorded, when it is not one.
   *
   * @param what names the file in messages, e.g. {@code "credential provider config"}
   */
  public static Optional<YamlMapping> document(
      String text, String what, int maxCharacters, Set<String> allowedKeys, RulesErrors errors) {
    return compose(text, what, maxCharacters, errors)
        .flatMap(root -> YamlMapping.of(root, "", allowedKeys, errors));
  }

  /** The one YAML document of {@code text}, or empty with the errors recorded. */
  private static Optional<Node> compose(
      String text, String what, int maxCharacters, RulesErrors errors) {
    if (text.length() > maxCharacters) {
      errors.add("", null, "file too large: over " + maxCharacters + " characters");
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
  private Rules read(YamlMapping top, boolean labelsKnown) {
    List<YamlValue> names = new ArrayList<>();
    top.mappingList("pullSecrets", SECRET_KEYS)
        .forEach(secret -> pullSecret(secret).ifPresent(names::add));
    names.forEach(this::checkGeneratedName);
    if (!top.has("rules")) {
      errors.add("", top.mark(), "missing required field 'rules'");
    }
    var reader = new RuleReader(errors, secretsByName, labelsKnown);
    List<NamespaceRule> rules =
        top.mappingList("rules", RuleReader.KEYS).stream().map(reader::read).toList();
    return new Rules(List.copyOf(secretsByName.values()), rules, errors.warnings());
  }

  /**
   * Reads one entry of {@code pullSecrets:}: its name, registries, and where the content comes from
   * (a source Secret, or a credential provider and the Secret generated for it). Returns its name
   * as written, if it has one.
   */
  private Optional<YamlValue> pullSecret(YamlMapping node) {
    Optional<YamlValue> name = node.requiredString("name");
    Optional<YamlValue> providerValue = node.string("provider");
    List<RegistryPattern> registries =
        node.registryPatterns(
            "registries",
            false,
            "an empty list would match no image; omit 'registries' to serve every registry",
            providerValue.isPresent() ? this::askableOfAProvider : registry -> {});
    SecretSource source = node.string("source").map(v -> SecretSource.read(v, errors)).orElse(null);
    String provider = providerValue.map(v -> provider(node, v, name)).orElse(null);
    if (name.isEmpty() || !validSecretName(name.get())) {
      return name;
    }
    String text = name.get().text();
    if (secretsByName.containsKey(text)) {
      errors.add(name.get(), "pull secret '" + text + "' is declared twice");
      return name;
    }
    SecretSource from = source;
    if (provider != null) {
      from = new SecretSource(null, PullSecret.generatedSourceName(text));
      generatedNames.put(from.name(), text);
    }
    secretsByName.put(text, new PullSecret(text, registries, from, provider));
    return name;
  }

  /**
   * A pull secret whose content a credential provider gives: asked about each of its registries, so
   * they must be there; and not a source as well. The name of the Secret generated for it must be a
   * Secret name too.
   */
  private String provider(YamlMapping node, YamlValue provider, Optional<YamlValue> name) {
    errors.check(provider, PullSecret.providerProblem(provider.text()));
    if (name.isPresent() && PullSecret.generatedSourceName(name.get().text()).length() > 253) {
      errors.add(
          name.get(),
          "too long for a pull secret with a provider: the Secret the webhook generates for it, NAME"
              + PullSecret.GENERATED_SUFFIX
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
    return provider.text();
  }

  /** A credential provider is asked about one registry at a time: a host, not a glob. */
  private void askableOfAProvider(YamlValue registry) {
    if (registry.text().split("/", 2)[0].contains("*")) {
      errors.add(
          registry,
          ("'%s' has a wildcard, and a credential provider is asked about one registry at a time,"
                  + " as the kubelet asks it about one image: it cannot be asked about every host"
                  + " a glob matches. List the hosts the pods pull from (e.g."
                  + " europe-docker.pkg.dev, 123456789012.dkr.ecr.eu-west-1.amazonaws.com)")
              .formatted(registry.text()));
    }
  }

  /**
   * A pull secret named as the Secret generated for another would be copied from, and watched as,
   * that Secret.
   */
  private void checkGeneratedName(YamlValue name) {
    String owner = generatedNames.get(name.text());
    if (owner != null) {
      errors.add(
          name,
          ("'%s' is the name of the Secret the webhook generates for pull secret '%s' (its"
                  + " provider's credentials): name this one otherwise")
              .formatted(name.text(), owner));
    }
  }

  private boolean validSecretName(YamlValue name) {
    if (KubernetesResourceUtil.isValidSubdomainName(name.text())) {
      return true;
    }
    errors.add(
        name,
        ("'%s' is not a valid Secret name (a DNS-1123 subdomain: lower-case letters, digits, '-'"
                + " and '.', at most 253 characters)")
            .formatted(name.text()));
    return false;
  }
}
