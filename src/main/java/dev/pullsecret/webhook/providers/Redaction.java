package dev.pullsecret.webhook.providers;

import dev.pullsecret.webhook.text.Text;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What of a plugin's standard error may be shown: quoted and bounded ({@link Text#quote}), with
 * every known credential and everything shaped like a token replaced by {@code <redacted>}. A
 * plugin's diagnostics are usually plain words (access denied, a file not found, a missing
 * variable), which are kept; one that prints a token or a request dump must not put it into Events
 * or logs. Shaped like a token: a run of 20 or more characters of base64, base64url or JWT mixing
 * digits, lower and upper case (words, paths and host names do not), or 32 or more hex digits.
 */
final class Redaction {

  static final String REDACTED = "<redacted>";
  private static final Pattern RUN = Pattern.compile("[A-Za-z0-9+/=_.\\-]{20,}");
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{32,}");

  private Redaction() {}

  /** {@code text} without {@code secrets} and token-like runs, quoted and bounded. */
  static String excerpt(String text, Collection<String> secrets) {
    String redacted = text.strip();
    for (String secret : secrets) {
      if (secret.length() >= 4) {
        redacted = redacted.replace(secret, REDACTED);
      }
    }
    Matcher run = RUN.matcher(redacted);
    StringBuilder out = new StringBuilder();
    while (run.find()) {
      String found = run.group();
      boolean tokenLike =
          HEX.matcher(found).find()
              || (found.chars().anyMatch(Character::isDigit)
                  && found.chars().anyMatch(Character::isLowerCase)
                  && found.chars().anyMatch(Character::isUpperCase));
      run.appendReplacement(out, Matcher.quoteReplacement(tokenLike ? REDACTED : found));
    }
    run.appendTail(out);
    return Text.quote(out.toString());
  }
}
