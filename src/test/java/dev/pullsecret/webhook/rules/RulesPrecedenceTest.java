package dev.pullsecret.webhook.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Most specific match wins; exclusions remove a rule from the candidates; ties go to the first. */
class RulesPrecedenceTest {

  private static final Rules RULES =
      RulesParser.parse(
          """
          rules:
            - name: everyone
              namespaces: ["*"]
              excludeNamespaces: [kube-*]
            - name: teams
              namespaces: [team-*]
              excludeNamespaces: [team-sandbox]
            - name: team-a
              namespaces: [team-a-*]
            - name: exact-team-a-prod
              namespaces: [team-a-prod]
            - name: single-char
              namespaces: ["ns?"]
            - name: tie-first
              namespaces: [x*]
            - name: tie-second
              namespaces: ["*y"]
          """,
          "precedence.yaml");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      nullValues = "none",
      value = {
        "default, everyone",
        "kube-system, none",
        "kube-public, none",
        "team-b, teams",
        "team-sandbox, everyone",
        "team-a-dev, team-a",
        "team-a-prod, exact-team-a-prod",
        "team-a, teams",
        "ns1, single-char",
        "ns12, everyone",
        "xy, tie-first",
        "ay, tie-second",
      })
  void mostSpecificRuleWins(String namespace, String expectedRule) {
    var rule = RULES.forNamespace(namespace);

    assertThat(rule.map(NamespaceRule::name).orElse(null)).isEqualTo(expectedRule);
  }
}
