package dev.pullsecret.webhook.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Selectors match as the API server's do: every operator, the empty selector, a missing key. */
class LabelSelectorTest {

  /**
   * {@code selector} is the body of a namespaceSelector in flow YAML; labels are {@code k=v;k=v}.
   */
  @ParameterizedTest(name = "{0} on [{1}] -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{}                                                              | -               | true",
        "{}                                                              | a=1             | true",
        "{matchLabels: {team: pay}}                                      | team=pay        | true",
        "{matchLabels: {team: pay}}                                      | team=other      | false",
        "{matchLabels: {team: pay}}                                      | -               | false",
        "{matchLabels: {team: pay, env: prod}}                           | team=pay        | false",
        "{matchLabels: {team: pay, env: prod}}                           | team=pay;env=prod | true",
        "{matchLabels: {empty: ''}}                                      | empty=          | true",
        "{matchLabels: {empty: ''}}                                      | -               | false",
        "{matchExpressions: [{key: env, operator: In, values: [a, b]}]}    | env=b           | true",
        "{matchExpressions: [{key: env, operator: In, values: [a, b]}]}    | env=c           | false",
        "{matchExpressions: [{key: env, operator: In, values: [a, b]}]}    | -               | false",
        "{matchExpressions: [{key: env, operator: NotIn, values: [a]}]}    | env=b           | true",
        "{matchExpressions: [{key: env, operator: NotIn, values: [a]}]}    | env=a           | false",
        "{matchExpressions: [{key: env, operator: NotIn, values: [a]}]}    | -               | true",
        "{matchExpressions: [{key: env, operator: Exists}]}                | env=            | true",
        "{matchExpressions: [{key: env, operator: Exists}]}                | -               | false",
        "{matchExpressions: [{key: env, operator: DoesNotExist}]}          | -               | true",
        "{matchExpressions: [{key: env, operator: DoesNotExist}]}          | env=a           | false",
        "{matchExpressions: [{key: example.com/tier, operator: Exists}]}   | example.com/tier=x | true",
        "{matchLabels: {team: pay}, matchExpressions: [{key: env, operator: Exists}]} | team=pay | false",
      })
  void matchesAsTheApiServerDoes(String selector, String labels, boolean matches) {
    assertThat(selector(selector).matches(labels(labels))).isEqualTo(matches);
  }

  @Test
  void unknownLabelsMatchNoSelectorNotEvenTheEmptyOne() {
    assertThat(selector("{}").matches(NamespaceLabels.UNKNOWN)).isFalse();
    assertThat(
            selector("{matchExpressions: [{key: env, operator: DoesNotExist}]}")
                .matches(NamespaceLabels.UNKNOWN))
        .isFalse();
  }

  @Test
  void printsAsKubectlTakesItSortedByKey() {
    LabelSelector selector =
        selector(
            "{matchLabels: {team: pay}, matchExpressions: [{key: env, operator: NotIn, values:"
                + " [a, b]}, {key: legacy, operator: DoesNotExist}, {key: app, operator: Exists}]}");

    assertThat(selector).hasToString("app,env notin (a,b),!legacy,team=pay");
    assertThat(selector.requirements())
        .extracting(LabelSelector.Requirement::key)
        .containsExactly("app", "env", "legacy", "team");
  }

  @Test
  void rulesListEveryKeyTheirSelectorsRead() {
    Rules rules =
        RulesParser.parse(
            """
            rules:
              - {name: a, namespaceSelector: {matchLabels: {team: x}}}
              - {name: b, namespaces: [b], namespaceSelector: {matchExpressions: [{key: env, operator: Exists}]}}
              - {name: c, namespaces: ["*"]}
            """,
            "keys.yaml");

    assertThat(NamespaceScope.EVERYWHERE.labelKeys(rules)).containsExactlyInAnyOrder("team", "env");
  }

  private static LabelSelector selector(String body) {
    Rules rules =
        RulesParser.parse(
            "rules:\n  - name: r\n    namespaceSelector: " + body + "\n", "selector.yaml");
    return rules.rules().getFirst().namespaceSelector().orElseThrow();
  }

  static NamespaceLabels labels(String text) {
    Map<String, String> labels = new HashMap<>();
    if (!text.equals("-")) {
      Arrays.stream(text.split(";"))
          .map(pair -> pair.split("=", 2))
          .forEach(pair -> labels.put(pair[0], pair[1]));
    }
    return NamespaceLabels.of(labels);
  }
}
