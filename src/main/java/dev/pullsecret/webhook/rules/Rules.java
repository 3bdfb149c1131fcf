package dev.pullsecret.webhook.rules;

import io.fabric8.kubernetes.client.utils.KubernetesResourceUtil;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Validated, compiled rules: immutable, shared by all requests, replaced as a whole on reload.
 *
 * <p>Precedence (docs/rules.md has the table): for a namespace, every rule that names it (by name
 * or glob, or by naming none) without excluding it, and whose {@code namespaceSelector} its labels
 * satisfy, is a candidate; the most specific wins: an exact name first, then more label
 * requirements, then a glob with more literal characters ({@code *} and no {@code namespaces} have
 * none), and on a tie the rule written first. Only the winning rule applies; rules are not merged,
 * so a team's rule says everything its namespaces get.
 */
public final class Rules {

  /**
   * Namespaces are few and long-lived; the bound only guards against a flood of made-up names (each
   * at most 63 characters, so the cache holds at most a few MiB). Past it, misses are resolved
   * without being cached, at a cost bounded by {@link RulesParser#MAX_PATTERNS}.
   */
  private static final int MAX_CACHED_NAMESPACES = 10_000;

  /**
   * The candidates cached in all (~20 bytes each): rules that all name every namespace ({@code *},
   * or labels alone) give each namespace as many, and 10,000 made-up namespaces under 1,000 such
   * rules (an accepted file) held 200 MB. Past it, as past {@link #MAX_CACHED_NAMESPACES}.
   */
  private static final int MAX_CACHED_MATCHES = 100_000;

  /** Most specific first; the sort is stable, so file order breaks ties. */
  private static final Comparator<RuleMatch> PRECEDENCE =
      Comparator.<RuleMatch>comparingInt(m -> m.pattern().hasWildcard() ? 1 : 0)
          .thenComparingInt(
              m -> -m.rule().namespaceSelector().map(s -> s.requirements().size()).orElse(0))
          .thenComparingInt(m -> -NamespaceRule.specificity(m.pattern()));

  private final List<PullSecret> pullSecrets;
  private final List<NamespaceRule> rules;
  private final List<RulesError> warnings;

  /** Per namespace, the rules that name it, best first; labels then pick among them per review. */
  private final Map<String, List<RuleMatch>> byNamespace = new ConcurrentHashMap<>();

  private final AtomicInteger cachedMatches = new AtomicInteger();

  Rules(List<PullSecret> pullSecrets, List<NamespaceRule> rules, List<RulesError> warnings) {
    this.pullSecrets = List.copyOf(pullSecrets);
    this.rules = List.copyOf(rules);
    this.warnings = List.copyOf(warnings);
  }

  /**
   * What is valid but cannot be what was meant (an exclusion that excludes nothing), located like
   * errors: the rules apply anyway; {@code validate} and the reload log say so.
   */
  public List<RulesError> warnings() {
    return warnings;
  }

  public List<PullSecret> pullSecrets() {
    return pullSecrets;
  }

  public List<NamespaceRule> rules() {
    return rules;
  }

  /**
   * The rule that applies to pods of {@code namespace} with {@code labels}, and why. With unknown
   * labels no rule with a selector applies. The opt-out and the skipped namespaces are not rules:
   * {@link NamespaceScope} decides those first.
   */
  public Optional<RuleMatch> forNamespace(String namespace, NamespaceLabels labels) {
    for (RuleMatch candidate : candidates(namespace)) {
      Optional<LabelSelector> selector = candidate.rule().namespaceSelector();
      if (selector.isEmpty() || selector.get().matches(labels)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private List<RuleMatch> candidates(String namespace) {
    if (!KubernetesResourceUtil.isValidName(namespace)) {
      // Not a name the API server could send: no rule, neither matched nor cached.
      return List.of();
    }
    List<RuleMatch> matches = byNamespace.get(namespace);
    if (matches == null) {
      matches = resolve(namespace);
      // Counted only when cached: a count of every miss would wrap past 2^31 under a flood.
      if (byNamespace.size() < MAX_CACHED_NAMESPACES
          && cachedMatches.get() + matches.size() <= MAX_CACHED_MATCHES) {
        cachedMatches.addAndGet(matches.size());
        byNamespace.put(namespace, matches);
      }
    }
    return matches;
  }

  private List<RuleMatch> resolve(String namespace) {
    return rules.stream()
        .flatMap(
            rule -> Stream.ofNullable(rule.patternFor(namespace)).map(p -> new RuleMatch(rule, p)))
        .sorted(PRECEDENCE)
        .toList();
  }
}
