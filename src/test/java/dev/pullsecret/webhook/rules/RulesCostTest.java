package dev.pullsecret.webhook.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Namespaces no review has shown yet, against the worst rules file {@code validate} accepts: {@link
 * RulesParser#MAX_GLOBS} globs of the shape that made the regex engine backtrack ({@code
 * *a*a...*a*xy}, 63 characters) and exact names up to {@link RulesParser#MAX_PATTERNS}. What such a
 * namespace costs is measured by RulesCostBenchmark (src/jmh), the figure in
 * docs/failure-semantics.md.
 */
class RulesCostTest {

  private static final String SUFFIXES = "bcdefghijklmnopqrstuvwxyz0123456789";

  @Test
  void madeUpNamespacesGetNoRuleFromTheWorstAcceptedRules() {
    Rules rules = RulesParser.parse(worstAcceptedRules(), "worst.yaml");

    for (int i = 0; i < 2_000; i++) {
      assertThat(rules.forNamespace(madeUp(i), NamespaceLabels.NONE)).isEmpty();
    }
  }

  @Test
  void namesThatCannotBeNamespacesGetNoRuleWithoutBeingMatched() {
    Rules rules = RulesParser.parse("rules: [{name: all, namespaces: ['*']}]", "all.yaml");

    assertThat(rules.forNamespace("team-a", NamespaceLabels.NONE)).isPresent();
    assertThat(rules.forNamespace("a".repeat(64), NamespaceLabels.NONE)).isEmpty();
    assertThat(rules.forNamespace("Team-A", NamespaceLabels.NONE)).isEmpty();
    assertThat(rules.forNamespace("team\na", NamespaceLabels.NONE)).isEmpty();
    assertThat(rules.forNamespace("", NamespaceLabels.NONE)).isEmpty();
  }

  /**
   * 63 characters, all 'a' but a counter near the end: every glob runs over all of it and none
   * matches (their last character is never 'a').
   */
  static String madeUp(int i) {
    String counter = Integer.toString(Math.abs(i)) + (i < 0 ? "w" : "") + "a";
    return "a".repeat(63 - counter.length()) + counter;
  }

  static String worstAcceptedRules() {
    var yaml = new StringBuilder("rules:\n  - name: globs\n    namespaces:\n");
    int globs = 0;
    for (char x : SUFFIXES.toCharArray()) {
      for (char y : SUFFIXES.toCharArray()) {
        if (globs++ < RulesParser.MAX_GLOBS) {
          yaml.append("      - \"").append("*a".repeat(30)).append('*').append(x).append(y);
          yaml.append("\"\n");
        }
      }
    }
    yaml.append("  - name: names\n    namespaces:\n");
    for (int i = 0; i < RulesParser.MAX_PATTERNS - RulesParser.MAX_GLOBS; i++) {
      yaml.append("      - name-").append(i).append('\n');
    }
    return yaml.toString();
  }
}
