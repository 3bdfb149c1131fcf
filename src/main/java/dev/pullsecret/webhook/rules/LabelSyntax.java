package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.text.Text;
import java.util.regex.Pattern;

/**
 * The API server's own rules for label keys and values (apimachinery's {@code
 * IsQualifiedName}/{@code IsValidLabelValue}), so that a selector the webhook accepts is one the
 * API server would accept, and no label value it compares can be longer than 63 characters.
 */
public final class LabelSyntax {

  static final int MAX_NAME = 63;
  static final int MAX_PREFIX = 253;
  private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  private LabelSyntax() {}

  /** Why {@code key} is not a valid label key, or null when it is. */
  public static String keyProblem(String key) {
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      if (prefix.isEmpty()
          || prefix.length() > MAX_PREFIX
          || !RulesParser.DNS_SUBDOMAIN.matcher(prefix).matches()) {
        return Text.quote(key)
            + " is not a valid label key: its prefix must be a DNS subdomain (lower-case letters,"
            + " digits, '-' and '.', at most 253 characters)";
      }
    }
    if (name.isEmpty() || name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
      return Text.quote(key)
          + " is not a valid label key: the name"
          + (slash >= 0 ? " after '/'" : "")
          + " must be 1 to 63 letters, digits, '-', '_' or '.', beginning and ending with a letter"
          + " or digit";
    }
    return null;
  }

  /** Why {@code value} is not a valid label value, or null when it is (empty is valid). */
  public static String valueProblem(String value) {
    if (value.isEmpty()) {
      return null;
    }
    if (value.length() > MAX_NAME || !NAME.matcher(value).matches()) {
      return Text.quote(value)
          + " is not a valid label value: at most 63 letters, digits, '-', '_' or '.', beginning"
          + " and ending with a letter or digit";
    }
    return null;
  }
}
