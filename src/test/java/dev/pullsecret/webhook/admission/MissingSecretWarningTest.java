package dev.pullsecret.webhook.admission;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.mutation.Mutation;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RuleMode;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.TestContexts;
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
        decide((namespace, secret) -> secret.name().equals("dockerhub-creds"));

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

  @Test
  void saysNothingWhenEverySecretIsPresentOrUnknown() {
    AdmissionDecision known = decide((namespace, secret) -> false);
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
