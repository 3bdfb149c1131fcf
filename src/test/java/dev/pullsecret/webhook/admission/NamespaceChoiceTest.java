package dev.pullsecret.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestContexts;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * How admission chooses a namespace's rule: by its labels (asked of the label source, only when
 * some rule or the opt-out reads one, only for names a namespace can have), with the opt-out and
 * the skipped namespaces first, and by name alone, with a warning, when the labels are unknown.
 */
class NamespaceChoiceTest {

  private static final LoadedRules RULES =
      new LoadedRules(
          RulesParser.parse(
              """
              pullSecrets: [{name: hub}, {name: pay}]
              rules:
                - {name: everyone, namespaces: ["*"], pullSecrets: [hub]}
                - {name: payments, namespaceSelector: {matchLabels: {team: payments}}, pullSecrets: [pay]}
              """,
              "rules.yaml"),
          1,
          "test",
          Instant.EPOCH,
          "rules.yaml");

  private final List<String> asked = new ArrayList<>();

  private AdmissionDecision decide(Pod pod, String namespace, NamespaceLabels labels) {
    NamespaceLabelSource source =
        (name, keys) -> {
          asked.add(name + " " + keys.stream().sorted().toList());
          return labels;
        };
    var handler = TestContexts.withLabels(() -> RULES, source);
    return handler.decide(AdmissionRequest.podCreate("u", pod, namespace, false));
  }

  @Test
  void aLabelledNamespaceGetsItsSelectorsRuleAskingOnlyTheKeysInUse() {
    AdmissionDecision decision =
        decide(pod(Map.of()), "shop", NamespaceLabels.of(Map.of("team", "payments")));

    assertThat(decision.rule()).isEqualTo("payments");
    assertThat(decision.auditAnnotations()).containsEntry("match", "labels team=payments");
    assertThat(asked).containsExactly("shop [pullsecret.dev/inject, team]");
  }

  @Test
  void aNamespaceLabelledOutIsLeftAloneWhateverTheRules() {
    AdmissionDecision decision =
        decide(
            pod(Map.of()),
            "shop",
            NamespaceLabels.of(Map.of("team", "payments", "pullsecret.dev/inject", "disabled")));

    assertThat(decision.reason()).isEqualTo(Reason.OPTED_OUT);
    assertThat(decision.patch()).isEmpty();
  }

  @Test
  void aPodLabelledOutIsLeftAloneWithoutAskingForLabels() {
    AdmissionDecision decision =
        decide(pod(Map.of("pullsecret.dev/inject", "disabled")), "shop", NamespaceLabels.NONE);

    assertThat(decision.reason()).isEqualTo(Reason.OPTED_OUT);
    assertThat(asked).isEmpty();
  }

  /** The pod's labels come through the codec, which binds only what the webhook reads. */
  @Test
  void aPodLabelledOutInTheReviewItselfIsLeftAlone() {
    ObjectNode review =
        (ObjectNode)
            Reviews.json(
                Reviews.resource("admission/cases/recorded-01-create-plain-pod.review.json"));
    ((ObjectNode) review.at("/request/object/metadata"))
        .putObject("labels")
        .put("app", "web")
        .put("pullsecret.dev/inject", "disabled");
    AdmissionRequest request =
        new AdmissionReviewCodec(4 * 1024 * 1024).decode(Reviews.JSON.writeValueAsBytes(review));
    var handler =
        TestContexts.withLabels(
            () -> RULES,
            (name, keys) -> {
              asked.add(name);
              return NamespaceLabels.NONE;
            });

    AdmissionDecision decision = handler.decide(request);

    assertThat(decision.reason()).isEqualTo(Reason.OPTED_OUT);
    assertThat(decision.patch()).isEmpty();
    assertThat(asked).isEmpty();
  }

  @Test
  void aSkippedNamespaceIsNeverLookedUp() {
    AdmissionDecision decision = decide(pod(Map.of()), "kube-system", NamespaceLabels.NONE);

    assertThat(decision.reason()).isEqualTo(Reason.NAMESPACE_SKIPPED);
    assertThat(asked).isEmpty();
  }

  @Test
  void aNameNoNamespaceCanHaveIsNeverLookedUp() {
    AdmissionDecision decision =
        decide(pod(Map.of()), "Not_A_Namespace/../x", NamespaceLabels.NONE);

    assertThat(decision.reason()).isEqualTo(Reason.NO_RULE);
    assertThat(asked).isEmpty();
  }

  @Test
  void unknownLabelsChooseByNameAndSaySo() {
    AdmissionDecision decision = decide(pod(Map.of()), "shop", NamespaceLabels.UNKNOWN);

    assertThat(decision.rule()).isEqualTo("everyone");
    assertThat(decision.reason()).isEqualTo(Reason.PATCHED);
    assertThat(decision.warnings())
        .contains(
            "the labels of namespace shop could not be read in time; its rule was chosen by name"
                + " only (no namespaceSelector, no opt-out label)");
  }

  @Test
  void noLabelIsAskedWhenNoRuleNorTheOptOutReadsOne() {
    var byName =
        new LoadedRules(
            RulesParser.parse("rules: [{name: all, namespaces: [\"*\"]}]", "rules.yaml"),
            1,
            "t",
            Instant.EPOCH,
            "");
    var handler =
        new AdmissionHandler(
            () -> byName,
            new dev.pullsecret.webhook.rules.NamespaceScope(Set.of(), java.util.Optional.empty()),
            (name, keys) -> {
              asked.add(name);
              return NamespaceLabels.UNKNOWN;
            },
            SecretPresence.UNKNOWN,
            DigestLookup.OFF);

    AdmissionDecision decision =
        handler.decide(AdmissionRequest.podCreate("u", pod(Map.of()), "shop", false));

    assertThat(decision.rule()).isEqualTo("all");
    assertThat(decision.warnings()).isEmpty();
    assertThat(asked).isEmpty();
  }

  private static Pod pod(Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web")
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("web")
        .withImage("nginx:1.27")
        .endContainer()
        .endSpec()
        .build();
  }
}
