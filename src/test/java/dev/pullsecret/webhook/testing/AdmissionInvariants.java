package dev.pullsecret.webhook.testing;

import static dev.pullsecret.webhook.testing.Reviews.applyPatch;
import static dev.pullsecret.webhook.testing.Reviews.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.admission.MalformedReviewException;
import dev.pullsecret.webhook.admission.Reason;
import dev.pullsecret.webhook.text.Text;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * What must hold for any body the webhook is sent, checked by the fuzz targets: the body is either
 * refused as malformed ({@link MalformedReviewException}, a 400) or answered with a well-formed
 * response echoing the uid with {@code allowed: true}; no internal error occurs (the fail-open net
 * must catch nothing); a patch applies cleanly to the pod with a real JSON Patch implementation and
 * reads back as a Pod if the original did; and the webhook applied to its own output yields no
 * patch. A decision that names its rule has one of the rule outcomes the metrics list. Whatever the
 * request holds, its log line and the answer's warnings are one line each, free of control
 * characters, and bounded ({@link Text}).
 */
public final class AdmissionInvariants {

  private final AdmissionReviewCodec codec;
  private final AdmissionHandler handler;

  public AdmissionInvariants(AdmissionReviewCodec codec, AdmissionHandler handler) {
    this.codec = codec;
    this.handler = handler;
  }

  /** Checks every invariant for {@code body}; returns the decision, or null if it was refused. */
  public AdmissionDecision check(byte[] body) {
    AdmissionRequest request;
    try {
      request = codec.decode(body);
    } catch (MalformedReviewException e) {
      assertThat(e.getMessage()).isNotBlank();
      return null;
    }
    assertPrintable("log line", request.summary(), MAX_LOG_LINE);
    AdmissionDecision decision = handler.decide(request);
    assertThat(decision.reason())
        .as("no input may reach the fail-open net (it hides bugs)")
        .isNotEqualTo(Reason.ERROR_IGNORED);
    if (decision.rule() != null) {
      assertThat(decision.reason())
          .as("the outcome of a rule, as pullsecret_rule_admissions_total lists them")
          .isIn(Reason.RULE_OUTCOMES);
    }
    JsonNode answer = json(codec.encode(decision));
    assertThat(answer.path("apiVersion").asString()).isEqualTo("admission.k8s.io/v1");
    assertThat(answer.path("kind").asString()).isEqualTo("AdmissionReview");
    JsonNode response = answer.path("response");
    assertThat(response.path("uid").asString()).isEqualTo(request.uid());
    assertThat(response.path("allowed").isBoolean()).isTrue();
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("patch")).isEqualTo(decision.isPatched());
    for (JsonNode warning : response.path("warnings")) {
      assertPrintable("warning", warning.asString(), MAX_WARNING);
    }
    if (!decision.isPatched()) {
      return decision;
    }
    assertThat(response.path("patchType").asString()).isEqualTo("JSONPatch");

    JsonNode object = json(body).path("request").path("object");
    JsonNode patched = applyPatch(object, answer);
    if (isPod(object)) {
      // The webhook binds only the fields it uses, so it also answers objects that are not valid
      // Pods (a fuzzed volume of the wrong type); the API server never sends those, and only a
      // valid Pod must stay one once patched.
      assertThat(Reviews.pod(patched).getSpec()).isNotNull();
    }

    AdmissionDecision again = handler.decide(codec.decode(Reviews.withObject(body, patched)));
    assertThat(again.reason()).isNotEqualTo(Reason.ERROR_IGNORED);
    assertThat(again.patch()).as("re-invocation on the patched pod yields no patch").isEmpty();
    return decision;
  }

  /** Five quoted values, each at most 128 characters shown, each escaped to at most 6. */
  private static final int MAX_LOG_LINE = 5 * (6 * Text.MAX_QUOTED_CHARS + 32);

  /** The API server's bound on one warning (Warnings), and Text.line's "..." mark. */
  private static final int MAX_WARNING = 256 + 3;

  private static void assertPrintable(String what, String text, int bound) {
    assertThat(hasControlCharacter(text)).as(what + " with a control character: " + text).isFalse();
    assertThat(text.length()).as(what + " length").isLessThanOrEqualTo(bound);
  }

  /**
   * Whether {@code s} holds a character that must never reach a log line or a terminal: ISO
   * controls, the Unicode line and paragraph separators, bidirectional controls (what Text
   * escapes).
   */
  public static boolean hasControlCharacter(String s) {
    return s.chars()
        .anyMatch(
            c ->
                Character.isISOControl(c)
                    || c == '\u2028'
                    || c == '\u2029'
                    || (c >= '\u202a' && c <= '\u202e')
                    || (c >= '\u2066' && c <= '\u2069'));
  }

  private static boolean isPod(JsonNode object) {
    try {
      Reviews.pod(object);
      return true;
    } catch (JacksonException e) {
      return false;
    }
  }
}
