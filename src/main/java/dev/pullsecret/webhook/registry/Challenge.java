package dev.pullsecret.webhook.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 9110 section 11.6.1): a scheme and its
 * parameters, e.g. {@code Bearer realm="https://auth.docker.io/token",service="registry.docker.io",
 * scope="repository:library/nginx:pull"} or {@code Basic realm="Registry Realm"}.
 *
 * @param scheme lower-cased ({@code bearer}, {@code basic}): schemes are case-insensitive
 * @param params parameter names lower-cased, values unquoted and unescaped
 */
record Challenge(String scheme, Map<String, String> params) {

  /** An RFC 9110 token. */
  private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]++";

  private static final Pattern SCHEME = Pattern.compile("[, \t]*+(" + TOKEN + ")");

  /**
   * {@code name=value}, the value a quoted string (group 2; group 3 is its closing quote, empty
   * when there is none) or bare (group 4). RFC 9110 allows only a token bare, but a URL is not one
   * and some servers send {@code realm=https://...} unquoted: a bare value runs up to the next
   * comma or space instead.
   */
  private static final Pattern PARAM =
      Pattern.compile(
          "[, \t]*+(" + TOKEN + ")[ \t]*+=[ \t]*+(?:\"((?:[^\"\\\\]|\\\\.)*+)(\"?)|([^, \t]*+))",
          Pattern.DOTALL);

  private static final Pattern ESCAPED = Pattern.compile("\\\\(.)", Pattern.DOTALL);

  /**
   * Every challenge of a header value, in order; a header that cannot be read yields the challenges
   * read before the problem (registries write simple headers, and a lookup then fails with "401
   * without a Bearer or Basic challenge" rather than guessing). A name not followed by {@code =} is
   * the next challenge's scheme.
   */
  static List<Challenge> parse(String text) {
    List<Challenge> challenges = new ArrayList<>();
    int at = 0;
    for (Matcher scheme; (scheme = at(SCHEME, text, at)) != null; ) {
      Map<String, String> params = new LinkedHashMap<>();
      challenges.add(new Challenge(scheme.group(1).toLowerCase(Locale.ROOT), params));
      at = scheme.end();
      for (Matcher param; (param = at(PARAM, text, at)) != null; at = param.end()) {
        String quoted = param.group(2);
        if (quoted != null && param.group(3).isEmpty()) {
          return challenges; // an unterminated quoted string: what follows cannot be read
        }
        String value = quoted == null ? param.group(4) : ESCAPED.matcher(quoted).replaceAll("$1");
        params.putIfAbsent(param.group(1).toLowerCase(Locale.ROOT), value);
      }
    }
    return challenges;
  }

  private static Matcher at(Pattern pattern, String text, int from) {
    Matcher matcher = pattern.matcher(text).region(from, text.length());
    return matcher.lookingAt() ? matcher : null;
  }
}
