package dev.pullsecret.webhook.rules;

import java.util.regex.Pattern;

/**
 * A namespace name or a glob over namespace names ({@code *} any run of characters, {@code ?} one
 * character). Compiled once when the rules are loaded.
 */
public final class NamespacePattern {

  private static final Pattern VALID = Pattern.compile("[a-z0-9*?-]{1,63}");

  private final String text;
  private final Pattern glob;

  private NamespacePattern(String text, Pattern glob) {
    this.text = text;
    this.glob = glob;
  }

  /**
   * @throws IllegalArgumentException with a readable message if {@code text} is neither a namespace
   *     name nor a glob of one
   */
  public static NamespacePattern parse(String text) {
    if (!VALID.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a namespace name or glob (lower-case letters, digits, '-', and the"
              + " wildcards '*' and '?'; at most 63 characters)");
    }
    boolean wildcard = text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    return new NamespacePattern(text, wildcard ? compile(text) : null);
  }

  public boolean isExact() {
    return glob == null;
  }

  public boolean matches(String namespace) {
    return glob == null ? text.equals(namespace) : glob.matcher(namespace).matches();
  }

  /**
   * How specific this pattern is, for "most specific match wins": an exact name beats every glob,
   * and a glob with more literal characters beats one with fewer ({@code team-a-*} beats {@code
   * team-*} beats {@code *}).
   */
  public int specificity() {
    if (glob == null) {
      return Integer.MAX_VALUE;
    }
    return (int) text.chars().filter(c -> c != '*' && c != '?').count();
  }

  @Override
  public String toString() {
    return text;
  }

  private static Pattern compile(String glob) {
    var regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }
}
