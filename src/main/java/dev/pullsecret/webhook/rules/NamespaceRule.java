package dev.pullsecret.webhook.rules;

import java.util.List;

/**
 * One entry of {@code rules:}: the namespaces it covers (minus the excluded ones) and what it does
 * to their pods.
 */
public record NamespaceRule(
    String name,
    List<NamespacePattern> namespaces,
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
   * The specificity of this rule's best pattern for {@code namespace}, or -1 when the rule does not
   * apply to it (no pattern matches, or an exclusion does: exclusions win inside a rule).
   */
  int specificityFor(String namespace) {
    for (NamespacePattern excluded : excludedNamespaces) {
      if (excluded.matches(namespace)) {
        return -1;
      }
    }
    int best = -1;
    for (NamespacePattern pattern : namespaces) {
      if (pattern.matches(namespace)) {
        best = Math.max(best, pattern.specificity());
      }
    }
    return best;
  }
}
