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

  /**
   * Namespaces are few and long-lived; the bound only guards against a flood of made-up names (each
   * at most 63 characters, so the cache holds at most about 2 MiB). Past it, misses are resolved
   * without being cached, at a cost bounded by {@link PatternLimits}.
   */
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
    if (!isNamespaceName(namespace)) {
      // No such namespace can exist (the API server sends DNS-1123 labels), so the review was not
      // sent by it: no rule, and neither matched nor cached, whatever its length.
      return Optional.empty();
    }
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

  /** A DNS-1123 label: 1 to 63 lower-case letters, digits and '-'. */
  private static boolean isNamespaceName(String namespace) {
    if (namespace == null
        || namespace.isEmpty()
        || namespace.length() > NamespacePattern.MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < namespace.length(); i++) {
      char c = namespace.charAt(i);
      if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') {
        return false;
      }
    }
    return true;
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
