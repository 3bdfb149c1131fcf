package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.glob.Glob;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One entry of {@code rules:}: the namespaces it covers, by name or glob, by label, or both (minus
 * the excluded ones), and what it does to their pods.
 *
 * @param namespaces names and globs ({@code *} any run of characters, {@code ?} one character; a
 *     name is a glob without either); empty when the rule chooses by {@code namespaceSelector}
 *     alone
 * @param namespaceSelector labels a namespace must carry, if the rule asks any
 */
public record NamespaceRule(
    String name,
    List<Glob> namespaces,
    Optional<LabelSelector> namespaceSelector,
    List<Glob> excludedNamespaces,
    List<PullSecret> pullSecrets,
    ImageOptions images,
    RuleMode mode) {

  /** A namespace is a DNS-1123 label: at most 63 characters, the most a {@link Glob} holds. */
  private static final Pattern VALID = Pattern.compile("[a-z0-9*?-]{1,63}");

  /** What a rule without {@code namespaces} names: every namespace, like {@code *}. */
  static final Glob ANY = Glob.compile("*");

  public NamespaceRule {
    namespaces = List.copyOf(namespaces);
    excludedNamespaces = List.copyOf(excludedNamespaces);
    pullSecrets = List.copyOf(pullSecrets);
  }

  /**
   * The pattern by which this rule names {@code namespace} (its most specific one, {@link #ANY}
   * when it names none), or null when no pattern matches or an exclusion does (exclusions win
   * inside a rule). The selector is not looked at: labels are asked per review, names are cached.
   */
  Glob patternFor(String namespace) {
    if (excludedNamespaces.stream().anyMatch(excluded -> excluded.matches(namespace))) {
      return null;
    }
    if (namespaces.isEmpty()) {
      return ANY;
    }
    return namespaces.stream()
        .filter(pattern -> pattern.matches(namespace))
        .max(Comparator.comparingInt(NamespaceRule::specificity))
        .orElse(null);
  }

  /**
   * How specific a pattern is, for "most specific match wins": an exact name beats every glob, and
   * a glob with more literal characters beats one with fewer ({@code team-a-*} beats {@code team-*}
   * beats {@code *}).
   */
  static int specificity(Glob pattern) {
    return pattern.hasWildcard() ? pattern.literals() : Integer.MAX_VALUE;
  }

  /**
   * A name or glob of {@code namespaces}; throws {@link IllegalArgumentException} saying why not.
   */
  static Glob pattern(String text) {
    if (!VALID.matcher(text).matches()) {
      throw new IllegalArgumentException(
          ("'%s' is not a namespace name or glob (lower-case letters, digits, '-', and the"
                  + " wildcards '*' and '?'; at most 63 characters)")
              .formatted(text));
    }
    return Glob.compile(text);
  }
}
