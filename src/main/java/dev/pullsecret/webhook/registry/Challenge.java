package dev.pullsecret.webhook.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 9110 section 11.6.1): a scheme and its
 * parameters, e.g. {@code Bearer realm="https://auth.docker.io/token",service="registry.docker.io",
 * scope="repository:library/nginx:pull"} or {@code Basic realm="Registry Realm"}.
 *
 * @param scheme lower-cased ({@code bearer}, {@code basic}): schemes are case-insensitive
 * @param params parameter names lower-cased, values unquoted and unescaped
 */
record Challenge(String scheme, Map<String, String> params) {

  /**
   * Every challenge of a header value, in order; a header that cannot be read yields the challenges
   * read before the problem (registries write simple headers, and a lookup then fails with "no
   * usable challenge" rather than guessing).
   */
  static List<Challenge> parse(String header) {
    List<Challenge> challenges = new ArrayList<>();
    if (header == null) {
      return challenges;
    }
    var in = new Cursor(header);
    while (true) {
      in.skip(", \t");
      String scheme = in.token();
      if (scheme.isEmpty()) {
        return challenges;
      }
      Map<String, String> params = new LinkedHashMap<>();
      while (true) {
        int mark = in.position();
        in.skip(", \t");
        String name = in.token();
        in.skip(" \t");
        if (name.isEmpty() || !in.consume('=')) {
          in.reset(mark); // the next challenge's scheme, a token68, or the end
          break;
        }
        in.skip(" \t");
        String value = in.peek() == '"' ? in.quoted() : in.bare();
        if (value == null) {
          challenges.add(new Challenge(scheme.toLowerCase(Locale.ROOT), params));
          return challenges;
        }
        params.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
      }
      challenges.add(new Challenge(scheme.toLowerCase(Locale.ROOT), params));
    }
  }

  /** A position in a header value, reading RFC 9110 tokens and quoted strings. */
  private static final class Cursor {
    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";
    private final String text;
    private int at;

    Cursor(String text) {
      this.text = text;
    }

    int position() {
      return at;
    }

    void reset(int position) {
      at = position;
    }

    char peek() {
      return at < text.length() ? text.charAt(at) : 0;
    }

    boolean consume(char c) {
      if (peek() == c) {
        at++;
        return true;
      }
      return false;
    }

    void skip(String chars) {
      while (at < text.length() && chars.indexOf(text.charAt(at)) >= 0) {
        at++;
      }
    }

    String token() {
      int start = at;
      while (at < text.length() && isTchar(text.charAt(at))) {
        at++;
      }
      return text.substring(start, at);
    }

    /**
     * An unquoted value. RFC 9110 allows only a token, but a URL is not one and some servers send
     * {@code realm=https://...} unquoted: read up to the next comma or space instead.
     */
    String bare() {
      int start = at;
      while (at < text.length() && ", \t".indexOf(text.charAt(at)) < 0) {
        at++;
      }
      return text.substring(start, at);
    }

    /** A quoted string without its quotes and with {@code \x} unescaped; null if unterminated. */
    String quoted() {
      var value = new StringBuilder();
      at++; // the opening quote
      while (at < text.length()) {
        char c = text.charAt(at++);
        if (c == '"') {
          return value.toString();
        }
        if (c == '\\' && at < text.length()) {
          c = text.charAt(at++);
        }
        value.append(c);
      }
      return null;
    }

    private static boolean isTchar(char c) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || TCHAR_SYMBOLS.indexOf(c) >= 0;
    }
  }
}
