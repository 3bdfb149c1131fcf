package dev.pullsecret.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.mutation.Explanation;
import dev.pullsecret.webhook.mutation.PodMutator;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import dev.pullsecret.webhook.rules.RuleMatch;
import dev.pullsecret.webhook.rules.RuleMode;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.Passes;
import dev.pullsecret.webhook.testing.Reviews;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Answers to pods with very many containers stay within what the API server keeps: warnings are
 * grouped per kind with a count, each warning and the list are bounded, and the annotations carry a
 * few items and a count, while the patch still rewrites every container.
 */
class LargePodAnswerTest {

  private static final RuleMatch PIN_AND_MIRROR =
      RulesParser.parse(
              """
              pullSecrets: [{name: hub, registries: [mirror.example.com]}]
              rules:
                - name: pin-and-mirror
                  namespaces: [big]
                  pullSecrets: [hub]
                  images:
                    pinLatest: {defaultTag: "1.0"}
                    mirrors: [{from: docker.io, to: mirror.example.com/hub}]
              """,
              "large.yaml")
          .forNamespace("big", NamespaceLabels.NONE)
          .orElseThrow();

  private static final RuleMatch AUDIT =
      RulesParser.parse(
              """
              rules:
                - name: audit
                  namespaces: [big]
                  mode: audit
                  images:
                    pinLatest: {defaultTag: "1.0"}
              """,
              "audit.yaml")
          .forNamespace("big", NamespaceLabels.NONE)
          .orElseThrow();

  private final PodMutator mutator = new PodMutator();

  @ParameterizedTest(name = "{0} containers")
  @ValueSource(ints = {4, 100, 20_000})
  void warningsAreGroupedAndBoundedWhilePatchRewritesEveryContainer(int containers) {
    Pod pod = pod(containers, "app");

    AdmissionDecision decision =
        AdmissionDecision.applied(
            "u", Passes.create(mutator, pod, PIN_AND_MIRROR), "1/abc", RuleMode.ENFORCE);

    assertBounded(decision);
    assertThat(decision.warnings())
        .as("three described image rewrites, a count, three policy changes, a count")
        .hasSize(8)
        .anySatisfy(w -> assertThat(w).contains("and " + (containers - 3) + " more image"));
    Pod patched = Reviews.pod(applyPatch(pod, decision));
    assertThat(patched.getSpec().getContainers())
        .allSatisfy(c -> assertThat(c.getImage()).startsWith("mirror.example.com/hub/"));
    String explanation = patched.getMetadata().getAnnotations().get(Explanation.ANNOTATION);
    assertThat(explanation).hasSizeLessThan(1024);
    if (containers > 20) {
      assertThat(explanation).contains("+" + (containers - 20) + " more");
    }
  }

  @Test
  void auditModeWarningsAreBoundedToo() {
    AdmissionDecision decision =
        AdmissionDecision.applied(
            "u", Passes.create(mutator, pod(20_000, "app"), AUDIT), "1/abc", RuleMode.AUDIT);

    assertBounded(decision);
    assertThat(decision.patch()).isEmpty();
  }

  @Test
  void unparsableImagesAreReportedAsAGroup() {
    Pod pod = pod(5_000, "app");
    pod.getSpec().getContainers().forEach(c -> c.setImage("UPPER/CASE"));

    AdmissionDecision decision =
        AdmissionDecision.applied(
            "u", Passes.create(mutator, pod, PIN_AND_MIRROR), "1/abc", RuleMode.ENFORCE);

    assertBounded(decision);
    assertThat(decision.warnings()).last().asString().contains("4997 more warnings like these");
  }

  @Test
  void containerNamesFromTheRequestCannotForgeWarningLines() {
    Pod pod = pod(1, "app\nWarning: forged\u001b[31m");

    AdmissionDecision decision =
        AdmissionDecision.applied(
            "u", Passes.create(mutator, pod, PIN_AND_MIRROR), "1/abc", RuleMode.ENFORCE);

    assertThat(decision.warnings())
        .isNotEmpty()
        .allSatisfy(w -> assertThat(w).doesNotContain("\n").doesNotContain("\u001b"));
  }

  private static void assertBounded(AdmissionDecision decision) {
    assertThat(decision.warnings()).allSatisfy(w -> assertThat(w).hasSizeLessThanOrEqualTo(256));
    assertThat(decision.warnings().stream().mapToInt(String::length).sum())
        .isLessThanOrEqualTo(Warnings.MAX_TOTAL_CHARS);
    assertThat(decision.auditAnnotations().values())
        .allSatisfy(v -> assertThat(v).hasSizeLessThan(2048));
  }

  private static JsonNode applyPatch(Pod pod, AdmissionDecision decision) {
    var codec = new AdmissionReviewCodec(64 * 1024 * 1024);
    return Reviews.applyPatch(Reviews.JSON.valueToTree(pod), Reviews.json(codec.encode(decision)));
  }

  private static Pod pod(int containers, String name) {
    var list =
        IntStream.range(0, containers)
            .mapToObj(
                i ->
                    new ContainerBuilder()
                        .withName(containers == 1 ? name : name + "-" + i)
                        .withImage("nginx")
                        .withImagePullPolicy("Always")
                        .build())
            .toArray(Container[]::new);
    return new PodBuilder()
        .withNewMetadata()
        .withName("big")
        .withNamespace("big")
        .endMetadata()
        .withNewSpec()
        .withContainers(list)
        .endSpec()
        .build();
  }
}
