package dev.pullsecret.webhook.admission;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.mutation.Mutation;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RuleMode;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestContexts;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MissingSecretWarningTest {

  private static final String CASE =
      "admission/cases/team-pod-gets-secrets-of-every-registry-it-uses";

  private final AdmissionReviewCodec codec = new AdmissionReviewCodec(4 * 1024 * 1024);

  private AdmissionDecision decide(SecretPresence presence) {
    var handler =
        new AdmissionHandler(
            MissingSecretWarningTest::rules,
            TestContexts.SCOPE,
            NamespaceLabelSource.NONE,
            presence,
            DigestLookup.OFF);
    return handler.decide(codec.decode(resource(CASE + ".review.json")));
  }

  @Test
  void warnsWhichSecretIsMissingAndWhichRegistryIsPulledAnonymously() {
    AdmissionDecision decision =
        decide((namespace, secret, dryRun) -> secret.name().equals("dockerhub-creds"));

    assertThat(decision.isPatched()).as("still injects the reference").isTrue();
    assertThat(decision.shownWarnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith("pullsecret-webhook: pull secret dockerhub-creds is missing in")
                    .contains("images from docker.io will be pulled anonymously")
                    .contains("run the doctor command")
                    .hasSizeLessThan(256));
  }

  @Test
  void missingSecretsComeBeforeEveryOtherWarning() {
    AdmissionDecision decision =
        AdmissionDecision.applied(
                "u",
                new Mutation("r", List.of(), List.of(), List.of("w"), Set.of()),
                "1/a",
                RuleMode.ENFORCE)
            .withWarnings(List.of("pull secret s is missing"));

    assertThat(decision.shownWarnings())
        .containsExactly("pullsecret-webhook: pull secret s is missing", "pullsecret-webhook: w");
  }

  /**
   * A rule of many pull secrets, all missing in a namespace delivery has not reached yet, on a pod
   * that pulls from their registries and has images rewritten and images not parsed: the warnings
   * about missing secrets were put before the others outside their 4 KiB budget, so the answer
   * carried 4.5 KiB of warnings. The API server then dropped the tail, seen on a real API server:
   * the last missing secrets, every rewrite and the webhook's own count of warnings not shown, so
   * the user was not told that images had been rewritten at all.
   */
  @Test
  void missingSecretsShareTheWarningsBudgetAndTheCountOfTheRestIsShown() {
    var secrets = new StringBuilder();
    var names = new StringBuilder();
    var pod = new PodBuilder().withNewMetadata().withNamespace("many").endMetadata().withNewSpec();
    for (int i = 10; i < 30; i++) {
      String registry = "a" + i + ".registry-with-a-long-name.example.com";
      secrets.append(
          String.format(
              "  - {name: missing-secret-with-a-long-name-%d, source: s%d, registries: [%s,"
                  + " b%d.registry-with-a-long-name.example.com]}%n",
              i, i, registry, i));
      names.append(i == 10 ? "" : ", ").append("missing-secret-with-a-long-name-").append(i);
      pod.addNewContainer().withName("c" + i).withImage(registry + "/team/app").endContainer();
    }
    for (int i = 0; i < 4; i++) {
      pod.addNewContainer().withName("bad" + i).withImage("UPPER/Case" + i).endContainer();
    }
    String text =
        "pullSecrets:\n"
            + secrets
            + "rules:\n  - {name: many, namespaces: [many], pullSecrets: ["
            + names
            + "], images: {pinLatest: {defaultTag: '1.0'}}}\n";
    var handler =
        new AdmissionHandler(
            () -> new LoadedRules(RulesParser.parse(text, "many.yaml"), 1, "t", Instant.EPOCH, ""),
            TestContexts.SCOPE,
            NamespaceLabelSource.NONE,
            (namespace, secret, dryRun) -> true,
            DigestLookup.OFF);

    AdmissionDecision decision = handler.decide(Reviews.creation("u", "p", pod.endSpec().build()));

    List<String> shown = decision.shownWarnings();
    assertThat(shown.stream().mapToInt(String::length).sum())
        .as("half the 4,096 characters of warnings the API server keeps for a request")
        .isLessThanOrEqualTo(Warnings.MAX_TOTAL_CHARS);
    assertThat(shown.getFirst()).contains("pull secret missing-secret-with-a-long-name-10 is");
    assertThat(shown.getLast()).matches("pullsecret-webhook: \\d+ more warnings not shown .*");
  }

  @Test
  void saysNothingWhenEverySecretIsPresentOrUnknown() {
    AdmissionDecision known = decide((namespace, secret, dryRun) -> false);
    AdmissionDecision unknown = decide(SecretPresence.UNKNOWN);

    assertThat(known.warnings()).noneMatch(w -> w.contains("missing"));
    assertThat(unknown).isEqualTo(known);
  }

  private static LoadedRules rules() {
    String text = new String(resource("rules/test-rules.yaml"), StandardCharsets.UTF_8);
    return new LoadedRules(
        RulesParser.parse(text, "test-rules.yaml"), 1, "test", Instant.EPOCH, "");
  }
}
