package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.glob.Glob;
import java.util.ArrayList;
import java.util.List;

/**
 * The rule that applies to a namespace and why it won: how it names the namespace and the labels it
 * required, e.g. {@code namespace team-a-*, labels env=prod}. Shown in the pod's explanation, the
 * audit log, {@code validate} and {@code preview}.
 */
public record RuleMatch(NamespaceRule rule, Glob pattern) {

  public String why() {
    List<String> why = new ArrayList<>(2);
    if (pattern != NamespaceRule.ANY) {
      why.add((pattern.hasWildcard() ? "glob " : "namespace ") + pattern);
    }
    rule.namespaceSelector().ifPresent(selector -> why.add("labels " + selector));
    return why.isEmpty() ? "glob *" : String.join(", ", why);
  }
}
