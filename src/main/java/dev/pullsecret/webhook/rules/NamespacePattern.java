package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.glob.Glob;
import java.util.regex.Pattern;

/**
 * A namespace name or a glob over namespace names ({@code *} any run of characters, {@code ?} one
 * character). Compiled once when the rules are loaded, into the linear-time {@link Glob}.
 *
 * @param glob null for an exact name
 */
public record NamespacePattern(String text, Glob glob) {

  /** A namespace is a DNS-1123 label: at most 63 characters, the most a {@link Glob} holds. */
  private static final Pattern VALID = Pattern.compile("[a-z0-9*?-]{1,63}");

  /** What a rule without {@code namespaces} names: every namespace, like {@code *}. */
  static final NamespacePattern ANY = parse("*");

  /**
   * @throws IllegalArgumentException with a readable message if {@code text} is neither a namespace
   *     name nor a glob of one
   */
  public static NamespacePattern parse(String text) {
    if (!VALID.matcher(text).matches()) {
      throw new IllegalArgumentException(
          ("'%s' is not a namespace name or glob (lower-case letters, digits, '-', and the"
                  + " wildcards '*' and '?'; at most 63 characters)")
              .formatted(text));
    }
    Glob glob = Glob.compile(text);
    return new NamespacePattern(text, glob.hasWildcard() ? glob : null);
  }

  public boolean isExact() {
    return glob == null;
  }

  public boolean matches(String namespace) {
    return glob == null ? text.equals(namespace) : glob.matches(namespace);
  }

  /**
   * How specific this pattern is, for "most specific match wins": an exact name beats every glob,
   * and a glob with more literal characters beats one with fewer ({@code team-a-*} beats {@code
   * team-*} beats {@code *}).
   */
  public int specificity() {
    return glob == null ? Integer.MAX_VALUE : glob.literals();
  }

  @Override
  public String toString() {
    return text;
  }
}
