package dev.pullsecret.webhook.text;

import java.util.List;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * The one quoting of text that comes from a request (uids, names, namespaces, kinds, operations,
 * content types, images) wherever it is printed: log lines, warnings, problem documents. Escaped,
 * so control characters cannot forge log lines or terminal output, and bounded: the messages become
 * warnings shown by kubectl (the API server truncates a warning over 256 characters) and log lines,
 * while the input may be as long as the request allows.
 */
public final class Text {

  public static final int MAX_QUOTED_CHARS = 128;

  private Text() {}

  /** {@code s} in double quotes, escaped, cut at {@link #MAX_QUOTED_CHARS} with its length. */
  public static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder quoted = escaped(s, MAX_QUOTED_CHARS, true, new StringBuilder("\""));
    return s.length() > MAX_QUOTED_CHARS
        ? quoted.append("...\" (").append(s.length()).append(" characters)").toString()
        : quoted.append('"').toString();
  }

  /**
   * A whole message the webhook wrote, which may hold quoted input, made safe to print as one line
   * whatever went into it: control characters escaped (quotes left as they are), cut at {@code max}
   * characters. The net under {@link #quote}: a message that forgot to quote stays one line.
   */
  public static String line(String s, int max) {
    StringBuilder line = escaped(s, max, false, new StringBuilder());
    return s.length() > max ? line.append("...").toString() : line.toString();
  }

  /**
   * The texts of the first {@code max} items joined by {@code separator}, then {@code …+N more} for
   * the rest: a list that comes with a pod or a file never makes a message grow with it, and only
   * the items shown are turned into text.
   */
  public static <T> String joined(
      List<T> items, Function<? super T, String> text, String separator, int max) {
    var joined = new StringJoiner(separator);
    items.stream().limit(max).forEach(item -> joined.add(text.apply(item)));
    if (items.size() > max) {
      joined.add("…+" + (items.size() - max) + " more");
    }
    return joined.toString();
  }

  /**
   * The first {@code max} characters of {@code s}, escaped; with {@code quotes}, " and \ too. A cut
   * never splits a surrogate pair (an emoji), which would print as a lone, malformed half.
   */
  private static StringBuilder escaped(String s, int max, boolean quotes, StringBuilder out) {
    int end = Math.min(s.length(), max);
    if (end < s.length()
        && end > 0
        && Character.isSurrogatePair(s.charAt(end - 1), s.charAt(end))) {
      end--;
    }
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '"', '\\' -> out.append(quotes ? "\\" : "").append(c);
        default -> {
          if (isControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out;
  }

  /**
   * ISO controls (C0, DEL, C1: the escape sequences of terminals) and the Unicode line and
   * paragraph separators and bidirectional controls, which some viewers also act on.
   */
  private static boolean isControl(int c) {
    return Character.isISOControl(c)
        || c == '\u2028'
        || c == '\u2029'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
