package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.files.BoundedFiles;
import dev.pullsecret.webhook.glob.Glob;
import io.fabric8.kubernetes.client.utils.KubernetesResourceUtil;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a rules document (see {@code examples/rules.yaml}), validates all of it (the pull secrets,
 * then each rule against them and the rules before it: names and namespace scopes must not repeat)
 * and compiles it into {@link Rules}. Either every part is valid and compiled, or {@link
 * InvalidRulesException} lists every error with its line, column and field path: never
 * half-applied.
 */
public final class RulesParser {

  /** A rules file is a few KiB; a much larger one is a mistake, not a configuration. */
  public static final int MAX_CHARACTERS = 1024 * 1024;

  /**
   * The namespace patterns of one rules file ({@code namespaces} and {@code excludeNamespaces} of
   * all rules): a namespace no review has shown yet is matched against every one ({@link
   * Rules#forNamespace}), so they bound what such a miss costs, whoever sends the namespace: well
   * under a millisecond for the worst accepted file (docs/failure-semantics.md). Real rules list a
   * few dozen.
   */
  static final int MAX_PATTERNS = 10_000;

  /** Globs among them, a rule of labels alone as one: a name costs a comparison, a glob a pass. */
  static final int MAX_GLOBS = 1_000;

  private static final Set<String> TOP_LEVEL_KEYS = Set.of("pullSecrets", "rules");
  private static final Set<String> RULE_KEYS =
      Set.of(
          "name",
          "namespaces",
          "namespaceSelector",
          "excludeNamespaces",
          "pullSecrets",
          "images",
          "mode");

  private final RulesErrors errors = new RulesErrors();
  private final boolean labelsKnown;
  private final Set<String> ruleNames = new HashSet<>();
  private final Map<String, String> claimedPatterns = new HashMap<>();
  private Map<String, PullSecret> secretsByName = Map.of();
  private int patternCount;
  private int globCount;

  private RulesParser(boolean labelsKnown) {
    this.labelsKnown = labelsKnown;
  }

  public static Rules parse(String text, String source) {
    return parse(text, source, true);
  }

  /**
   * @param labelsKnown whether the webhook can know namespace labels (it has cluster access); when
   *     not, every {@code namespaceSelector} is refused ({@link LabelSelector#NO_LABELS} says why)
   */
  public static Rules parse(String text, String source, boolean labelsKnown) {
    var parser = new RulesParser(labelsKnown);
    Optional<Rules> rules =
        document(text, "rules file", MAX_CHARACTERS, TOP_LEVEL_KEYS, parser.errors)
            .map(parser::read);
    if (parser.errors.count() > 0 || rules.isEmpty()) {
      throw new InvalidRulesException(source, parser.errors.sorted());
    }
    return rules.get();
  }

  /** A rules file's content; follows symbolic links, as a mounted ConfigMap is a chain of them. */
  public static byte[] read(Path file) {
    try {
      return BoundedFiles.read(file, MAX_CHARACTERS * 4);
    } catch (IOException e) {
      throw refused(file.toString(), BoundedFiles.why(e));
    }
  }

  /**
   * Parses the content of a rules file, or of the rules ConfigMap read through the API, as UTF-8.
   */
  public static Rules parse(byte[] content, String source, boolean labelsKnown) {
    try {
      return parse(BoundedFiles.utf8(content), source, labelsKnown);
    } catch (CharacterCodingException e) {
      throw refused(source, BoundedFiles.why(e));
    }
  }

  private static InvalidRulesException refused(String source, String message) {
    return new InvalidRulesException(source, List.of(new RulesError("", 0, 0, message)));
  }

  /**
   * Reads the one YAML document of {@code text}, with the loader limits of the rules file (no
   * anchors, duplicate keys, deep nesting or more than {@code maxCharacters}), as a mapping of
   * {@code allowedKeys}; empty, with the errors recorded, when it is not one.
   *
   * @param what names the file in messages, e.g. {@code "credential provider config"}
   */
  public static Optional<YamlMapping> document(
      String text, String what, int maxCharacters, Set<String> allowedKeys, RulesErrors errors) {
    if (text.length() > maxCharacters) {
      errors.add("", null, "file too large: over " + maxCharacters + " characters");
      return Optional.empty();
    }
    try {
      Composer documents = YamlNodes.composer(text, loaderOptions());
      if (!documents.checkNode()) {
        errors.add("", null, "the " + what + " is empty");
        return Optional.empty();
      }
      Node root = documents.getNode();
      if (documents.checkNode()) {
        errors.add(
            "", documents.getNode().getStartMark(), "expected one YAML document, found more");
        return Optional.empty();
      }
      return YamlMapping.of(root, "", allowedKeys, errors);
    } catch (YamlNodes.TooMany e) {
      errors.add("", e.mark, "too large: " + e.getMessage());
    } catch (MarkedYAMLException e) {
      var mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      errors.add("", mark, "not valid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      errors.add("", null, "not valid YAML: " + e.getMessage());
    }
    return Optional.empty();
  }

  private static LoaderOptions loaderOptions() {
    var options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setAllowRecursiveKeys(false);
    options.setMaxAliasesForCollections(10);
    options.setNestingDepthLimit(20);
    options.setCodePointLimit(MAX_CHARACTERS);
    return options;
  }

  private Rules read(YamlMapping top) {
    secretsByName = PullSecret.read(top.mappingList("pullSecrets", PullSecret.KEYS), errors);
    if (!top.has("rules")) {
      top.error("missing required field 'rules'");
    }
    List<NamespaceRule> rules =
        top.mappingList("rules", RULE_KEYS).stream().map(this::rule).toList();
    return new Rules(List.copyOf(secretsByName.values()), rules, errors.warnings());
  }

  private NamespaceRule rule(YamlMapping node) {
    String name = node.string("name").map(this::ruleName).orElse(node.path());
    Optional<LabelSelector> selector = LabelSelector.read(node, errors);
    if (node.has("namespaceSelector") && !labelsKnown) {
      node.error("namespaceSelector", LabelSelector.NO_LABELS);
    }
    if (!node.has("namespaces") && !node.has("namespaceSelector")) {
      node.error(
          "missing 'namespaces' or 'namespaceSelector': a rule must say which namespaces it"
              + " covers");
    }
    String labels = selector.map(text -> " with labels " + text).orElse("");
    List<Glob> namespaces =
        node.list(
            "namespaces",
            false,
            "must list at least one namespace",
            value -> pattern(value, name, labels));
    if (!node.has("namespaces") && selector.isPresent()) { // every name: ties and costs as "*"
      pattern(new YamlValue("*", node.child("namespaceSelector"), node.mark()), name, labels);
    }
    List<Glob> excluded =
        node.stringList("excludeNamespaces").stream()
            .flatMap(value -> pattern(value, null, "").stream())
            .toList();
    List<PullSecret> secrets =
        PullSecret.named(node.stringList("pullSecrets"), secretsByName, errors);
    ImageOptions images = new ImageOptionsReader(errors).read(node);
    boolean audit =
        node.is("mode", "audit", "enforce", "is not a mode: use enforce (default) or audit");
    RuleMode mode = audit ? RuleMode.AUDIT : RuleMode.ENFORCE;
    return new NamespaceRule(name, namespaces, selector, excluded, secrets, images, mode);
  }

  private String ruleName(YamlValue name) {
    if (!KubernetesResourceUtil.isValidName(name.text())) {
      errors.add(
          name,
          "'" + name.text() + "' is not a valid rule name (lower-case letters, digits and '-')");
    } else if (!ruleNames.add(name.text())) {
      errors.add(name, "rule name '" + name.text() + "' is used twice");
    }
    return name.text();
  }

  /**
   * A name or glob of {@code namespaces} (of {@code rule}, with its selector's {@code labels}) or,
   * for a null {@code rule}, of {@code excludeNamespaces}, counted against the bounds. An inclusion
   * is also claimed: a second rule with the same name or glob and the same selector (or none) is
   * refused, as the two would always tie.
   */
  private Optional<Glob> pattern(YamlValue value, String rule, String labels) {
    Optional<Glob> pattern = errors.parse(value, NamespaceRule::pattern);
    if (pattern.isEmpty()) {
      return pattern;
    }
    patternCount++;
    if (pattern.get().hasWildcard() && ++globCount == MAX_GLOBS + 1) {
      errors.add(
          value,
          "more than " + MAX_GLOBS + " namespace globs in the rules; list fewer, broader ones");
    } else if (patternCount == MAX_PATTERNS + 1) {
      errors.add(value, "more than " + MAX_PATTERNS + " namespaces and globs in the rules");
    }
    String scope = value.text() + labels;
    String owner = rule == null ? null : claimedPatterns.putIfAbsent(scope, rule);
    if (owner != null) {
      errors.add(
          value,
          ("'%s' is already listed by rule '%s'; two rules with the same namespaces and selector"
                  + " would always tie")
              .formatted(scope, owner));
    }
    return pattern;
  }
}
