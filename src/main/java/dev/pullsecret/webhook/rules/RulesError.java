package dev.pullsecret.webhook.rules;

/**
 * One problem found in a rules file, located by line and column (1-based, 0 when unknown) and by
 * the path of the offending field, e.g. {@code rules[2].pullSecrets[0]}.
 */
public record RulesError(String path, int line, int column, String message) {

  /**
   * Formats the error as compilers do: {@code rules.yaml:12:7: rules[2].pullSecrets[0]: ...}, with
   * {@code kind} before the message, e.g. {@code warning: } (or nothing).
   */
  public String format(String source, String kind) {
    var location = line > 0 ? source + ":" + line + ":" + column : source;
    String text = kind + message;
    return path.isEmpty() ? location + ": " + text : location + ": " + path + ": " + text;
  }
}
