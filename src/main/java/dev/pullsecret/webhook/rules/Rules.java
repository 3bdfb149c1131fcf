package dev.pullsecret.webhook.rules;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validated, compiled rules: immutable, shared by all requests, replaced as a whole on reload.
 *
 * <p>Precedence: for a namespace, every rule whose patterns match it (and whose exclusions do not)
 * is a candidate; the most specific match wins: an exact name beats any glob, a glob with more
 * literal characters beats one with fewer, and on a tie the rule written first wins. Only the
 * winning rule applies; rules are not merged, so a team's rule says everything its namespaces get.
 */
public final class Rules {

  /** Namespaces are few and long-lived; the bound only guards against a flood of odd names. */
  private static final int MAX_CACHED_NAMESPACES = 10_000;

  private final List<PullSecret> pullSecrets;
  private final List<NamespaceRule> rules;
  private final Map<String, Optional<NamespaceRule>> byNamespace = new ConcurrentHashMap<>();

  Rules(List<PullSecret> pullSecrets, List<NamespaceRule> rules) {
    this.pullSecrets = List.copyOf(pullSecrets);
    this.rules = List.copyOf(rules);
  }

  public List<PullSecret> pullSecrets() {
    return pullSecrets;
  }

  public List<NamespaceRule> rules() {
    return rules;
  }

  /** The rule that applies to pods of {@code namespace}, if any. */
  public Optional<NamespaceRule> forNamespace(String namespace) {
    Optional<NamespaceRule> cached = byNamespace.get(namespace);
    if (cached != null) {
      return cached;
    }
    Optional<NamespaceRule> resolved = resolve(namespace);
    if (byNamespace.size() < MAX_CACHED_NAMESPACES) {
      byNamespace.put(namespace, resolved);
    }
    return resolved;
  }

  private Optional<NamespaceRule> resolve(String namespace) {
    NamespaceRule best = null;
    int bestSpecificity = -1;
    for (NamespaceRule rule : rules) {
      int specificity = rule.specificityFor(namespace);
      if (specificity > bestSpecificity) {
        best = rule;
        bestSpecificity = specificity;
      }
    }
    return Optional.ofNullable(best);
  }
}
