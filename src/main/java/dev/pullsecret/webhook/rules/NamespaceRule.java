package dev.pullsecret.webhook.rules;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One entry of {@code rules:}: the namespaces it covers, by name or glob, by label, or both (minus
 * the excluded ones), and what it does to their pods.
 *
 * @param namespaces names and globs; empty when the rule chooses by {@code namespaceSelector} alone
 * @param namespaceSelector labels a namespace must carry, if the rule asks any
 */
public record NamespaceRule(
    String name,
    List<NamespacePattern> namespaces,
    Optional<LabelSelector> namespaceSelector,
    List<NamespacePattern> excludedNamespaces,
    List<PullSecret> pullSecrets,
    ImageOptions images,
    RuleMode mode) {

  public NamespaceRule {
    namespaces = List.copyOf(namespaces);
    excludedNamespaces = List.copyOf(excludedNamespaces);
    pullSecrets = List.copyOf(pullSecrets);
  }

  /**
   * The pattern by which this rule names {@code namespace} (its most specific one, {@link
   * NamespacePattern#ANY} when it names none), or null when no pattern matches or an exclusion does
   * (exclusions win inside a rule). The selector is not looked at: labels are asked per review,
   * names are cached.
   */
  NamespacePattern patternFor(String namespace) {
    if (excludedNamespaces.stream().anyMatch(excluded -> excluded.matches(namespace))) {
      return null;
    }
    if (namespaces.isEmpty()) {
      return NamespacePattern.ANY;
    }
    return namespaces.stream()
        .filter(pattern -> pattern.matches(namespace))
        .max(Comparator.comparingInt(NamespacePattern::specificity))
        .orElse(null);
  }
}
