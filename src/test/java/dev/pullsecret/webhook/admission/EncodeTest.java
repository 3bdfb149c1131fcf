package dev.pullsecret.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.patch.PatchOperation;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The codec writes the same AdmissionReview as fabric8's builders and serialiser would. */
class EncodeTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final AdmissionReviewCodec codec = new AdmissionReviewCodec(4 * 1024 * 1024);

  static Stream<AdmissionDecision> decisions() {
    var add =
        PatchOperation.add(
            "/spec/imagePullSecrets", List.of(Map.of("name", "a"), Map.of("name", "b")));
    return Stream.of(
        AdmissionDecision.allowed("u-1", Reason.OPERATION_IGNORED),
        AdmissionDecision.allowed("u-2", Reason.KIND_IGNORED, "ignored a \"Service\" review"),
        new AdmissionDecision(
            "u-3",
            Reason.PATCHED,
            List.of(add),
            List.of("one", "two ü"),
            Map.of("rule", "team-a", "rules-version", "1/abc", "pull-secrets", "a,b"),
            "team-a",
            List.of()),
        new AdmissionDecision(
            "u-4", Reason.NOT_PATCHED, List.of(), List.of("w"), Map.of(), "team-a", List.of()),
        AdmissionDecision.denied("u-5", "strict", "tags could not be resolved"));
  }

  @ParameterizedTest
  @MethodSource("decisions")
  void writesWhatFabric8Writes(AdmissionDecision decision) {
    byte[] ours = codec.encode(decision);

    assertThat(JSON.readTree(ours)).isEqualTo(JSON.readTree(fabric8(decision)));
  }

  /**
   * The API server shows a refusal's status message as the reason: it is the refusal's whole
   * message, whatever warnings the answer has (a pull secret missing), and is not repeated, cut, as
   * a warning.
   */
  @Test
  void refusalIsAnsweredWithItsWholeMessageWhateverWarningsAreAdded() {
    String message =
        "rule strict requires images pinned by digest and these tags could not be resolved: "
            + "\"registry.corp:5000/team/app:1\" (error: ...)".repeat(8);
    AdmissionDecision refused =
        AdmissionDecision.denied("u-5", "strict", message)
            .withWarnings(List.of("pull secret corp-creds is missing in namespace strict"));

    JsonNode answer = JSON.readTree(codec.encode(refused)).path("response");

    assertThat(answer.get("allowed").isBoolean()).isTrue();
    assertThat(answer.get("allowed").asBoolean()).isFalse();
    assertThat(answer.at("/status/code").asInt()).isEqualTo(403);
    assertThat(answer.at("/status/message").asString()).isEqualTo("pullsecret-webhook: " + message);
    assertThat(answer.path("warnings").valueStream().map(JsonNode::asString))
        .containsExactly(
            "pullsecret-webhook: pull secret corp-creds is missing in namespace strict");
  }

  private static byte[] fabric8(AdmissionDecision decision) {
    var response =
        new AdmissionResponseBuilder()
            .withUid(decision.uid())
            .withAllowed(!decision.reason().denies())
            .withWarnings(decision.warnings().isEmpty() ? null : decision.shownWarnings())
            .withAuditAnnotations(
                decision.auditAnnotations().isEmpty() ? null : decision.auditAnnotations());
    if (decision.reason().denies()) {
      response.withStatus(
          new io.fabric8.kubernetes.api.model.StatusBuilder()
              .withApiVersion(null)
              .withKind(null)
              .withCode(403)
              .withReason("Forbidden")
              .withMessage(decision.refusal())
              .build());
    }
    if (decision.isPatched()) {
      response
          .withPatchType("JSONPatch")
          .withPatch(Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(decision.patch())));
    }
    return JSON.writeValueAsBytes(
        new AdmissionReviewBuilder()
            .withApiVersion("admission.k8s.io/v1")
            .withKind("AdmissionReview")
            .withResponse(response.build())
            .build());
  }
}
