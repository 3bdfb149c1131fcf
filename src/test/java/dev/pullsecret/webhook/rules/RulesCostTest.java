package dev.pullsecret.webhook.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What a namespace no review has shown yet costs with the worst rules file {@code validate}
 * accepts: {@link PatternLimits#MAX_GLOBS} globs of the shape that made the regex engine backtrack
 * ({@code *a*a...*a*xy}, 63 characters) and exact names up to {@link PatternLimits#MAX_PATTERNS}.
 * The figure printed is the one in docs/failure-semantics.md.
 */
class RulesCostTest {

  private static final String SUFFIXES = "bcdefghijklmnopqrstuvwxyz0123456789";

  @Test
  void aMadeUpNamespaceCostsUnderAMillisecondWithTheWorstAcceptedRules() {
    Rules rules = RulesParser.parse(worstAcceptedRules(), "worst.yaml");
    int misses = 2_000;
    for (int i = 0; i < 200; i++) { // warm up the JIT, as a running webhook is
      rules.forNamespace(madeUp(-i - 1));
    }

    long start = System.nanoTime();
    for (int i = 0; i < misses; i++) {
      assertThat(rules.forNamespace(madeUp(i)).isEmpty()).isTrue();
    }
    Duration perMiss = Duration.ofNanos((System.nanoTime() - start) / misses);

    System.out.printf(
        "Worst accepted rules (%d globs, %d patterns): %d us per made-up namespace%n",
        PatternLimits.MAX_GLOBS, PatternLimits.MAX_PATTERNS, perMiss.toNanos() / 1000);
    assertThat(perMiss).isLessThan(Duration.ofMillis(5));
  }

  @Test
  void namesThatCannotBeNamespacesGetNoRuleWithoutBeingMatched() {
    Rules rules = RulesParser.parse("rules: [{name: all, namespaces: ['*']}]", "all.yaml");

    assertThat(rules.forNamespace("team-a")).isPresent();
    assertThat(rules.forNamespace("a".repeat(64))).isEmpty();
    assertThat(rules.forNamespace("Team-A")).isEmpty();
    assertThat(rules.forNamespace("team\na")).isEmpty();
    assertThat(rules.forNamespace("")).isEmpty();
  }

  /**
   * 63 characters, all 'a' but a counter near the end: every glob runs over all of it and none
   * matches (their last character is never 'a').
   */
  private static String madeUp(int i) {
    String counter = Integer.toString(Math.abs(i)) + (i < 0 ? "w" : "") + "a";
    return "a".repeat(63 - counter.length()) + counter;
  }

  static String worstAcceptedRules() {
    var yaml = new StringBuilder("rules:\n  - name: globs\n    namespaces:\n");
    int globs = 0;
    for (char x : SUFFIXES.toCharArray()) {
      for (char y : SUFFIXES.toCharArray()) {
        if (globs++ < PatternLimits.MAX_GLOBS) {
          yaml.append("      - \"").append("*a".repeat(30)).append('*').append(x).append(y);
          yaml.append("\"\n");
        }
      }
    }
    yaml.append("  - name: names\n    namespaces:\n");
    for (int i = 0; i < PatternLimits.MAX_PATTERNS - PatternLimits.MAX_GLOBS; i++) {
      yaml.append("      - name-").append(i).append('\n');
    }
    return yaml.toString();
  }
}
