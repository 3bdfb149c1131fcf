package dev.pullsecret.webhook.text;

/**
 * Quoting of user input in error messages, so that control characters cannot forge log lines, and
 * bounded: the messages become warnings shown by kubectl (the API server truncates a warning over
 * 256 characters) and log lines, while the input may be as long as the request allows.
 */
public final class Text {

  public static final int MAX_QUOTED_CHARS = 128;

  private Text() {}

  public static String quote(String s) {
    if (s == null) {
      return "null";
    }
    int shown = Math.min(s.length(), MAX_QUOTED_CHARS);
    StringBuilder quoted = new StringBuilder(shown + 32).append('"');
    for (int i = 0; i < shown; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    if (shown < s.length()) {
      quoted.append("...\" (").append(s.length()).append(" characters)");
      return quoted.toString();
    }
    return quoted.append('"').toString();
  }
}
