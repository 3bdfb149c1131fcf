package dev.pullsecret.webhook.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.rules.NamespaceScope.Choice;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Skipped and opted-out namespaces are left out whatever the rules say, even "*". */
class NamespaceScopeTest {

  private static final Rules EVERYWHERE =
      RulesParser.parse(
          """
          rules:
            - {name: everyone, namespaces: ["*"]}
            - {name: labelled, namespaceSelector: {matchLabels: {team: x}}}
          """,
          "rules.yaml");

  private static final NamespaceScope SCOPE =
      new NamespaceScope(
          Set.of("kube-system", "pullsecret-webhook", ""),
          NamespaceScope.optOutLabel("pullsecret.dev/inject=disabled"));

  @Test
  void skippedNamespacesAreLeftOutWhateverTheirLabels() {
    assertThat(SCOPE.choose(EVERYWHERE, "kube-system", labels("team", "x")))
        .isEqualTo(
            new Choice.LeftOut(
                NamespaceScope.Reason.SKIPPED, "namespace kube-system is never acted in"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"kube-system", "kube-public", "kube-node-lease", "own"})
  void aDeployedScopeLeavesOutTheControlPlanesNamespacesWhateverItIsTold(String namespace) {
    var deployed = NamespaceScope.deployed(List.of("own"), java.util.Optional.empty());

    assertThat(deployed.choose(EVERYWHERE, namespace, NamespaceLabels.UNKNOWN))
        .isInstanceOf(Choice.LeftOut.class);
    assertThat(deployed.choose(EVERYWHERE, "kube-flannel", NamespaceLabels.UNKNOWN))
        .isInstanceOf(Choice.Applies.class);
  }

  @Test
  void theOptOutLabelBeatsEveryRule() {
    var labels = NamespaceLabels.of(Map.of("pullsecret.dev/inject", "disabled", "team", "x"));

    assertThat(SCOPE.choose(EVERYWHERE, "shop", labels))
        .isEqualTo(
            new Choice.LeftOut(
                NamespaceScope.Reason.OPTED_OUT,
                "namespace labelled pullsecret.dev/inject=disabled"));
  }

  @Test
  void anotherValueOfTheOptOutKeyIsNoOptOut() {
    assertThat(SCOPE.choose(EVERYWHERE, "shop", labels("pullsecret.dev/inject", "enabled")))
        .isInstanceOf(Choice.Applies.class);
  }

  @Test
  void unknownLabelsCannotOptOutAndChooseByNameOnly() {
    assertThat(SCOPE.choose(EVERYWHERE, "shop", NamespaceLabels.UNKNOWN))
        .isInstanceOfSatisfying(
            Choice.Applies.class,
            applies -> assertThat(applies.match().rule().name()).isEqualTo("everyone"));
  }

  @Test
  void keepsTheKeysOfTheRulesAndTheOptOut() {
    assertThat(SCOPE.labelKeys(EVERYWHERE))
        .containsExactlyInAnyOrder("team", "pullsecret.dev/inject");
    assertThat(NamespaceScope.EVERYWHERE.labelKeys(EVERYWHERE)).containsExactly("team");
    assertThat(SCOPE.skipped()).doesNotContain("");
  }

  @Test
  void noOptOutLabelWhenNoneIsConfigured() {
    assertThat(NamespaceScope.optOutLabel("")).isEmpty();
    assertThat(NamespaceScope.optOutLabel(" ")).isEmpty();
    assertThat(NamespaceScope.optOutLabel("a/b="))
        .hasValue(new LabelSelector.Requirement("a/b", LabelSelector.Operator.In, List.of("")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"no-equals", "Bad Key=x", "key=bad value", "=x", "a/=x"})
  void aBadOptOutLabelIsRefusedSayingWhy(String text) {
    assertThatThrownBy(() -> NamespaceScope.optOutLabel(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("opt-out label");
  }

  @Test
  void noScopeLeavesNothingOut() {
    assertThat(NamespaceScope.EVERYWHERE.choose(EVERYWHERE, "kube-system", NamespaceLabels.NONE))
        .isInstanceOf(Choice.Applies.class);
  }

  private static NamespaceLabels labels(String key, String value) {
    return NamespaceLabels.of(Map.of(key, value));
  }
}
