package dev.pullsecret.webhook.rules;

import io.fabric8.kubernetes.client.utils.KubernetesResourceUtil;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates one entry of {@code rules:}, against the pull secrets declared before it and
 * the rules read before it (names and namespace scopes must not repeat).
 */
final class RuleReader {

  static final Set<String> KEYS =
      Set.of(
          "name",
          "namespaces",
          "namespaceSelector",
          "excludeNamespaces",
          "pullSecrets",
          "images",
          "mode");

  /** Without cluster access no namespace's labels are known: a selector could never match. */
  static final String NO_LABELS =
      "namespaceSelector needs the namespaces' labels, which the webhook reads from the API server"
          + " only with cluster access (webhook.sync.enabled=true, the chart's default); without"
          + " it, choose namespaces by name";

  /**
   * The limits on the namespace patterns of one rules file, in {@code namespaces} and {@code
   * excludeNamespaces} of all rules. A namespace no review has shown yet is matched against every
   * pattern ({@link Rules#forNamespace}), so these bound what such a miss can cost, whoever sends
   * the namespace: with the linear-time glob, the worst accepted file costs well under a
   * millisecond per miss (docs/failure-semantics.md). Real rules list a few dozen.
   */
  static final int MAX_PATTERNS = 10_000;

  /** Globs among them: an exact name costs one comparison, a glob a pass over the namespace. */
  static final int MAX_GLOBS = 1_000;

  private final RulesErrors errors;
  private final Map<String, PullSecret> secretsByName;
  private final boolean labelsKnown;
  private final Set<String> ruleNames = new HashSet<>();
  private final Map<String, String> claimedPatterns = new HashMap<>();

  private int patternCount;
  private int globCount;

  RuleReader(RulesErrors errors, Map<String, PullSecret> secretsByName, boolean labelsKnown) {
    this.errors = errors;
    this.secretsByName = secretsByName;
    this.labelsKnown = labelsKnown;
  }

  NamespaceRule read(YamlMapping node) {
    String name = node.string("name").map(this::ruleName).orElse(node.path());
    Optional<LabelSelector> selector =
        node.mapping("namespaceSelector", LabelSelector.KEYS)
            .flatMap(mapping -> LabelSelector.read(mapping, errors));
    if (node.has("namespaceSelector") && !labelsKnown) {
      node.error("namespaceSelector", NO_LABELS);
    }
    if (!node.has("namespaces") && !node.has("namespaceSelector")) {
      node.error(
          "missing 'namespaces' or 'namespaceSelector': a rule must say which namespaces it"
              + " covers");
    }
    node.refuseEmptyList("namespaces", false, "must list at least one namespace");
    Optional<String> selectorText = selector.map(LabelSelector::toString);
    List<NamespacePattern> namespaces = patterns(node, "namespaces", name, selectorText);
    if (!node.has("namespaces") && selector.isPresent()) {
      // No names is every name: it ties with "*" under the same selector.
      claim(new YamlValue("*", node.child("namespaceSelector"), node.mark()), name, selectorText);
    }
    List<NamespacePattern> excluded = patterns(node, "excludeNamespaces", null, Optional.empty());
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
   * Parses patterns; for inclusions ({@code rule != null}) also refuses two rules that would tie on
   * every namespace: the same name or glob with the same selector (or none).
   */
  private List<NamespacePattern> patterns(
      YamlMapping node, String key, String rule, Optional<String> selector) {
    List<NamespacePattern> patterns = new ArrayList<>();
    for (YamlValue value : node.stringList(key)) {
      Optional<NamespacePattern> pattern = errors.parse(value, NamespacePattern::parse);
      if (pattern.isEmpty()) {
        continue;
      }
      patterns.add(pattern.get());
      patternCount++;
      if (!pattern.get().isExact() && ++globCount == MAX_GLOBS + 1) {
        errors.add(
            value,
            "more than " + MAX_GLOBS + " namespace globs in the rules; list fewer, broader ones");
      } else if (patternCount == MAX_PATTERNS + 1) {
        errors.add(value, "more than " + MAX_PATTERNS + " namespaces and globs in the rules");
      }
      if (rule != null) {
        claim(value, rule, selector);
      }
    }
    return patterns;
  }

  /** Refuses a second rule with the same name or glob and the same selector: they always tie. */
  private void claim(YamlValue pattern, String rule, Optional<String> selector) {
    String scope = pattern.text() + selector.map(text -> " with labels " + text).orElse("");
    String owner = claimedPatterns.putIfAbsent(scope, rule);
    if (owner != null) {
      errors.add(
          pattern,
          ("'%s' is already listed by rule '%s'; two rules with the same namespaces and selector"
                  + " would always tie")
              .formatted(scope, owner));
    }
  }
}
