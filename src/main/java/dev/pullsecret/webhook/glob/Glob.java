package dev.pullsecret.webhook.glob;

/**
 * The one glob matcher of the webhook, for namespace patterns and the host labels of registry
 * patterns and auths keys: {@code *} matches any run of characters (none included), {@code ?}
 * exactly one, anything else itself.
 *
 * <p>Matched in linear time without backtracking (the Shift-And method): state {@code i} means the
 * first {@code i} tokens matched, the live states fit in one {@code long} (hence at most {@link
 * #MAX_TOKENS} tokens once runs of stars are merged; every caller accepts 63 characters, a DNS
 * label), and each character advances them all with a few bitwise operations. So a text of n
 * characters costs O(n), whatever the pattern ({@code *a*a*a*...*b} included), and allocates
 * nothing, where a backtracking matcher (java.util.regex, or a loop that retries from the last
 * star) costs up to O(n·m) or, for regex, exponential time.
 */
public final class Glob {

  /** States 0..tokens fit in the 64 bits of a long. */
  public static final int MAX_TOKENS = 63;

  private final String pattern;

  /** Bit i set: token i is {@code *}. */
  private final long stars;

  /** Bit i set: token i is {@code ?}. */
  private final long anyChar;

  /**
   * Per ASCII character c: bit i set when token i is c (or ?, or c in the other case). A kilobyte:
   * null for an exact name (no wildcard, and case kept), which needs none (a rules file may list
   * 9,000 of them): it is matched with one comparison.
   */
  private final long[] accepts;

  /** The bit of the state in which every token is matched. */
  private final long accepted;

  /** The live states before the first character: state 0 and what stars let through. */
  private final long initial;

  private final int literals;

  private Glob(String pattern, boolean ignoreCase) {
    this.pattern = pattern;
    long starBits = 0;
    long anyBits = 0;
    int tokens = 0;
    int literalCount = 0;
    long[] table = new long[128];
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' && tokens > 0 && (starBits & (1L << (tokens - 1))) != 0) {
        continue; // "**" is "*": merged, so one step of the closure below is enough
      }
      if (tokens == MAX_TOKENS) {
        throw new IllegalArgumentException(
            "glob '" + pattern + "' is longer than " + MAX_TOKENS + " characters");
      }
      long bit = 1L << tokens++;
      switch (c) {
        case '*' -> starBits |= bit;
        case '?' -> anyBits |= bit;
        default -> {
          if (c >= 128) {
            throw new IllegalArgumentException("glob '" + pattern + "' is not ASCII");
          }
          table[ignoreCase ? Character.toLowerCase(c) : c] |= bit;
          table[ignoreCase ? Character.toUpperCase(c) : c] |= bit;
          literalCount++;
        }
      }
    }
    for (int c = 0; c < table.length; c++) {
      table[c] |= anyBits;
    }
    this.stars = starBits;
    this.anyChar = anyBits;
    this.accepted = 1L << tokens;
    this.literals = literalCount;
    this.initial = closure(1L, starBits);
    this.accepts = !ignoreCase && starBits == 0 && anyBits == 0 ? null : table;
  }

  public static Glob compile(String pattern) {
    return new Glob(pattern, false);
  }

  /** A glob that ignores ASCII case, in the pattern and in the text. */
  public static Glob compileIgnoringCase(String pattern) {
    return new Glob(pattern, true);
  }

  public boolean matches(CharSequence text) {
    return accepts == null ? pattern.contentEquals(text) : matches(text, 0, text.length());
  }

  /**
   * Whether the pattern matches {@code text[start, end)}: O(end - start), no allocation (but an
   * exact name's slice, which no caller asks).
   */
  public boolean matches(CharSequence text, int start, int end) {
    if (accepts == null) {
      return pattern.contentEquals(text.subSequence(start, end));
    }
    long live = initial;
    for (int i = start; i < end && live != 0; i++) {
      char c = text.charAt(i);
      long step = c < 128 ? accepts[c] : anyChar;
      // Tokens that take c move on; stars also stay where they are, having taken it.
      live = closure(((live & step) << 1) | (live & stars), stars);
    }
    return (live & accepted) != 0;
  }

  public boolean hasWildcard() {
    return stars != 0 || anyChar != 0;
  }

  /** How many characters of the pattern are literal (neither {@code *} nor {@code ?}). */
  public int literals() {
    return literals;
  }

  @Override
  public String toString() {
    return pattern;
  }

  /** A live star may also match nothing: the state after it is live too (stars are merged). */
  private static long closure(long live, long stars) {
    return live | ((live & stars) << 1);
  }
}
