package dev.pullsecret.webhook.rules;

/**
 * The rule that applies to a namespace and why it won: how it names the namespace and the labels it
 * required, e.g. {@code namespace team-a-*, labels env=prod}. Shown in the pod's explanation, the
 * audit log, {@code validate} and {@code preview}.
 */
public record RuleMatch(NamespaceRule rule, NamespacePattern pattern) {

  public String why() {
    var why = new StringBuilder();
    if (pattern != NamespacePattern.ANY) {
      why.append(pattern.isExact() ? "namespace " : "glob ").append(pattern);
    }
    rule.namespaceSelector()
        .ifPresent(
            selector -> {
              if (!why.isEmpty()) {
                why.append(", ");
              }
              why.append("labels ").append(selector);
            });
    return why.isEmpty() ? "glob *" : why.toString();
  }
}
