package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import dev.pullsecret.webhook.image.RegistryPattern;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
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
  private static final Set<String> SECRET_KEYS = Set.of("name", "registries", "source");
  private static final Set<String> RULE_KEYS =
      Set.of("name", "namespaces", "excludeNamespaces", "pullSecrets", "images", "mode");

  private RulesParser() {}

  public static Rules parse(String text, String source) {
    var errors = new RulesErrors();
    Optional<Node> root = compose(text, errors);
    Rules rules = root.flatMap(node -> new Reader(errors).read(node)).orElse(null);
    if (!errors.isEmpty() || rules == null) {
      throw new InvalidRulesException(source, errors.sorted());
    }
    return rules;
  }

  private static Optional<Node> compose(String text, RulesErrors errors) {
    if (text.length() > MAX_CHARACTERS) {
      errors.add("", null, "file too large: over " + MAX_CHARACTERS + " characters");
      return Optional.empty();
    }
    try {
      Iterator<Node> documents = yaml().composeAll(new StringReader(text)).iterator();
      if (!documents.hasNext()) {
        errors.add("", null, "the rules file is empty");
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
    private final Map<String, String> ruleNames = new HashMap<>();
    private final Map<String, String> claimedPatterns = new HashMap<>();
    private final PatternLimits limits = new PatternLimits();

    Reader(RulesErrors errors) {
      this.errors = errors;
    }

    Optional<Rules> read(Node root) {
      Optional<YamlMapping> document = YamlMapping.of(root, "", TOP_LEVEL_KEYS, errors);
      if (document.isEmpty()) {
        return Optional.empty();
      }
      YamlMapping top = document.get();
      top.mappingList("pullSecrets", SECRET_KEYS).forEach(this::readSecret);
      if (!top.has("rules")) {
        errors.add("", top.mark(), "missing required field 'rules'");
      }
      List<YamlMapping> ruleNodes = top.mappingList("rules", RULE_KEYS);
      List<NamespaceRule> rules = new ArrayList<>();
      for (YamlMapping rule : ruleNodes) {
        rules.add(readRule(rule));
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
      name.filter(this::validSecretName)
          .ifPresent(
              value -> {
                if (secretsByName.containsKey(value.text())) {
                  errors.add(value, "pull secret '" + value.text() + "' is declared twice");
                } else {
                  secretsByName.put(value.text(), new PullSecret(value.text(), registries, source));
                }
              });
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

    private NamespaceRule readRule(YamlMapping node) {
      String name = node.string("name").map(this::ruleName).orElse(node.path());
      if (!node.has("namespaces")) {
        errors.add(node.path(), node.mark(), "missing required field 'namespaces'");
      } else if (node.isEmptyList("namespaces")) {
        errors.add(node.child("namespaces"), node.mark(), "must list at least one namespace");
      }
      List<NamespacePattern> namespaces = patterns(node.stringList("namespaces"), name);
      List<NamespacePattern> excluded = patterns(node.stringList("excludeNamespaces"), null);
      List<PullSecret> secrets = new ArrayList<>();
      for (YamlValue secret : node.stringList("pullSecrets")) {
        PullSecret declared = secretsByName.get(secret.text());
        if (declared == null) {
          errors.add(
              secret,
              "unknown pull secret '"
                  + secret.text()
                  + "' (declared under pullSecrets: "
                  + (secretsByName.isEmpty() ? "none" : String.join(", ", secretsByName.keySet()))
                  + ")"
                  + Suggestions.hint(secret.text(), secretsByName.keySet()));
        } else if (secrets.contains(declared)) {
          errors.add(secret, "pull secret '" + secret.text() + "' is listed twice");
        } else {
          secrets.add(declared);
        }
      }
      ImageOptions images =
          node.mapping("images", ImageOptionsReader.KEYS)
              .map(new ImageOptionsReader(errors)::read)
              .orElse(ImageOptions.NONE);
      RuleMode mode = node.string("mode").map(this::mode).orElse(RuleMode.ENFORCE);
      return new NamespaceRule(name, namespaces, excluded, secrets, images, mode);
    }

    private RuleMode mode(YamlValue value) {
      return switch (value.text()) {
        case "enforce" -> RuleMode.ENFORCE;
        case "audit" -> RuleMode.AUDIT;
        default -> {
          errors.add(value, "'" + value.text() + "' is not a mode: use enforce (default) or audit");
          yield RuleMode.ENFORCE;
        }
      };
    }

    private String ruleName(YamlValue name) {
      if (!DNS_LABEL.matcher(name.text()).matches() || name.text().length() > 63) {
        errors.add(
            name,
            "'" + name.text() + "' is not a valid rule name (lower-case letters, digits and '-')");
      } else if (ruleNames.putIfAbsent(name.text(), name.path()) != null) {
        errors.add(name, "rule name '" + name.text() + "' is used twice");
      }
      return name.text();
    }

    /** Parses patterns; for inclusions ({@code rule != null}) also refuses ties between rules. */
    private List<NamespacePattern> patterns(List<YamlValue> values, String rule) {
      List<NamespacePattern> patterns = new ArrayList<>();
      for (YamlValue value : values) {
        NamespacePattern pattern;
        try {
          pattern = NamespacePattern.parse(value.text());
        } catch (IllegalArgumentException e) {
          errors.add(value, e.getMessage());
          continue;
        }
        patterns.add(pattern);
        String overLimit = limits.count(pattern);
        if (overLimit != null) {
          errors.add(value, overLimit);
        }
        if (rule != null) {
          String owner = claimedPatterns.putIfAbsent(value.text(), rule);
          if (owner != null) {
            errors.add(
                value,
                "'"
                    + value.text()
                    + "' is already listed by rule '"
                    + owner
                    + "'; a namespace or glob may appear in one rule only");
          }
        }
      }
      return patterns;
    }
  }
}
