package dev.pullsecret.webhook.providers;

import dev.pullsecret.webhook.text.Text;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Kubernetes writes them ({@code metav1.Duration}: Go's {@code time.ParseDuration}),
 * the syntax of a CredentialProviderConfig's {@code defaultCacheDuration} and of a plugin's {@code
 * cacheDuration}: {@code 12h}, {@code 1h30m}, {@code 0.5h}, {@code 300ms}, {@code 0}. A sign is
 * read, but a negative duration is refused (neither field may be one); every number needs a unit
 * but a lone {@code 0}. Go's limit holds: at most about 292 years.
 */
final class GoDuration {

  private static final Map<String, Long> NANOS_PER_UNIT =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L,
          "\u03bcs", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  /** A number and what follows it up to the next one, as Go reads them; from the last match on. */
  private static final Pattern TERM = Pattern.compile("\\G(\\d+\\.?\\d*|\\.\\d+)([^\\p{Nd}.]*)");

  private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

  /** The digits of {@code Long.MAX_VALUE}: a longer whole number of any unit is past the limit. */
  private static final int MAX_WHOLE_DIGITS = 19;

  private GoDuration() {}

  /**
   * @throws IllegalArgumentException with a message fit to follow the value's location
   */
  static Duration parse(String text) {
    boolean negative = text.startsWith("-");
    String s = negative || text.startsWith("+") ? text.substring(1) : text;
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    BigDecimal total = BigDecimal.ZERO;
    Matcher term = TERM.matcher(s);
    int end = 0;
    while (term.find()) {
      Long nanos = NANOS_PER_UNIT.get(term.group(2));
      if (nanos == null) {
        throw invalid(text);
      }
      BigDecimal number = number(term.group(1));
      if (number == null) {
        throw tooLong(text);
      }
      total = total.add(number.multiply(BigDecimal.valueOf(nanos)));
      if (total.toBigInteger().compareTo(MAX_NANOS) > 0) {
        throw tooLong(text);
      }
      end = term.end();
    }
    if (s.isEmpty() || end < s.length()) {
      throw invalid(text);
    }
    if (negative && total.signum() > 0) {
      throw new IllegalArgumentException("must be greater than or equal to 0");
    }
    return Duration.ofNanos(total.toBigInteger().longValueExact());
  }

  /**
   * The number of one term, read from at most as many digits as can count (the text is whoever
   * wrote it: a plugin's answer of a million digits took 14 s to read whole); null when its whole
   * part has more digits than any duration Go accepts.
   */
  private static BigDecimal number(String digits) {
    int dot = digits.indexOf('.');
    String whole = (dot < 0 ? digits : digits.substring(0, dot)).replaceFirst("^0+", "");
    String fraction = dot < 0 ? "" : digits.substring(dot + 1);
    if (whole.length() > MAX_WHOLE_DIGITS) {
      return null;
    }
    // Past 18 decimals, a fraction of the longest unit (an hour) is less than a nanosecond.
    fraction = fraction.substring(0, Math.min(fraction.length(), 18));
    return new BigDecimal((whole.isEmpty() ? "0" : whole) + "." + fraction + "0");
  }

  private static IllegalArgumentException tooLong(String text) {
    return new IllegalArgumentException(
        Text.quote(text) + " is too long a duration (Go's limit is about 292 years)");
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        Text.quote(text)
            + " is not a duration: write a number and a unit, as Kubernetes does (12h, 30m,"
            + " 1h30m, 90s)");
  }
}
