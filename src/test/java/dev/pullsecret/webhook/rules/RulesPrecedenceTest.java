package dev.pullsecret.webhook.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Most specific match wins: an exact name, then more label requirements, then more literal
 * characters of a glob, then the rule written first; exclusions remove a rule from the candidates.
 * The selector table is the one of docs/rules.md, "Which rule applies".
 */
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
    var rule = RULES.forNamespace(namespace, NamespaceLabels.NONE);

    assertThat(rule.map(match -> match.rule().name()).orElse(null)).isEqualTo(expectedRule);
  }

  private static final Rules WITH_SELECTORS =
      RulesParser.parse(
          """
          rules:
            - name: everyone
              namespaces: ["*"]
            - name: teams
              namespaces: [team-*]
            - name: payments
              namespaceSelector: {matchLabels: {team: payments}}
            - name: payments-prod
              namespaceSelector:
                matchLabels: {team: payments}
                matchExpressions: [{key: env, operator: In, values: [prod, live]}]
            - name: teams-prod
              namespaces: [team-*]
              namespaceSelector:
                matchExpressions: [{key: env, operator: In, values: [prod]}]
            - name: exact
              namespaces: [team-exact]
            - name: exact-labelled
              namespaces: [team-exact]
              namespaceSelector: {matchLabels: {tier: gold}}
            - name: not-legacy
              namespaces: [apps-*]
              namespaceSelector:
                matchExpressions: [{key: legacy, operator: DoesNotExist}]
            - name: tie-first
              namespaceSelector: {matchLabels: {a: "1"}}
            - name: tie-second
              namespaceSelector: {matchLabels: {b: "1"}}
            - name: excluded-by-name
              namespaceSelector: {matchLabels: {team: ops}}
              excludeNamespaces: [ops-secret]
          """,
          "selectors.yaml");

  /** {@code labels} is {@code k=v;k=v}, {@code -} for none, {@code ?} for unknown. */
  @ParameterizedTest(name = "{0} [{1}] -> {2} ({3})")
  @CsvSource(
      nullValues = "none",
      delimiter = '|',
      value = {
        "default     | -                       | everyone       | glob *",
        "team-b      | -                       | teams          | glob team-*",
        "shop        | team=payments           | payments       | labels team=payments",
        "team-b      | team=payments           | payments       | labels team=payments",
        "shop        | team=payments;env=live  | payments-prod  | labels env in (live,prod),team=payments",
        "team-b      | team=payments;env=prod  | payments-prod  | labels env in (live,prod),team=payments",
        "team-b      | env=prod                | teams-prod     | glob team-*, labels env=prod",
        "team-exact  | team=payments;env=prod  | exact          | namespace team-exact",
        "team-exact  | tier=gold               | exact-labelled | namespace team-exact, labels tier=gold",
        "apps-1      | -                       | not-legacy     | glob apps-*, labels !legacy",
        "apps-1      | legacy=true             | everyone       | glob *",
        "x           | a=1;b=1                 | tie-first      | labels a=1",
        "x           | b=1                     | tie-second     | labels b=1",
        "ops-secret  | team=ops                | everyone       | glob *",
        "ops-main    | team=ops                | excluded-by-name | labels team=ops",
        "shop        | ?                       | everyone       | glob *",
        "team-b      | ?                       | teams          | glob team-*",
      })
  void mostSpecificRuleWinsAmongNamesAndSelectors(
      String namespace, String labels, String expectedRule, String why) {
    var match = WITH_SELECTORS.forNamespace(namespace, labels(labels)).orElseThrow();

    assertThat(match.rule().name()).isEqualTo(expectedRule);
    assertThat(match.why()).isEqualTo(why);
  }

  private static NamespaceLabels labels(String text) {
    if (text.equals("?")) {
      return NamespaceLabels.UNKNOWN;
    }
    Map<String, String> labels = new HashMap<>();
    if (!text.equals("-")) {
      Arrays.stream(text.split(";"))
          .map(pair -> pair.split("=", 2))
          .forEach(pair -> labels.put(pair[0], pair[1]));
    }
    return NamespaceLabels.of(labels);
  }
}
