package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.files.BoundedFiles;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.Iterator;
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
 * with {@link PullSecret#read}, each rule with {@link RuleReader}), and compiles it into {@link
 * Rules}. Either every part is valid and compiled, or {@link InvalidRulesException} lists every
 * error with its line, column and field path: rules are never half-applied.
 */
public final class RulesParser {

  /** A rules file is a few KiB; a much larger one is a mistake, not a configuration. */
  public static final int MAX_CHARACTERS = 1024 * 1024;

  private static final Set<String> TOP_LEVEL_KEYS = Set.of("pullSecrets", "rules");

  private RulesParser() {}

  public static Rules parse(String text, String source) {
    return parse(text, source, true);
  }

  /**
   * @param labelsKnown whether the webhook can know namespace labels (it has cluster access); when
   *     not, every {@code namespaceSelector} is refused ({@link RuleReader#NO_LABELS} says why)
   */
  public static Rules parse(String text, String source, boolean labelsKnown) {
    var errors = new RulesErrors();
    Optional<Rules> rules =
        document(text, "rules file", MAX_CHARACTERS, TOP_LEVEL_KEYS, errors)
            .map(top -> read(top, labelsKnown, errors));
    if (errors.count() > 0 || rules.isEmpty()) {
      throw new InvalidRulesException(source, errors.sorted());
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
  private static Rules read(YamlMapping top, boolean labelsKnown, RulesErrors errors) {
    Map<String, PullSecret> secretsByName =
        PullSecret.read(top.mappingList("pullSecrets", PullSecret.KEYS), errors);
    if (!top.has("rules")) {
      top.error("missing required field 'rules'");
    }
    var reader = new RuleReader(errors, secretsByName, labelsKnown);
    List<NamespaceRule> rules =
        top.mappingList("rules", RuleReader.KEYS).stream().map(reader::read).toList();
    return new Rules(List.copyOf(secretsByName.values()), rules, errors.warnings());
  }
}
