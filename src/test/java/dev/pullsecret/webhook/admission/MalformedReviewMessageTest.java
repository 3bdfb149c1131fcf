package dev.pullsecret.webhook.admission;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A refused body is described by where and what kind the problem is, never by its content: the
 * refusal is logged and a pod spec carries environment values (Jackson's own messages quote them).
 */
class MalformedReviewMessageTest {

  private static final String MARKER = "MARKER-5ec7e7";
  private static final String HEAD =
      """
      {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u",\
      "kind":{"group":"","version":"v1","kind":"Pod"},"object":{"spec":\
      """;

  private final AdmissionReviewCodec codec = new AdmissionReviewCodec(4 * 1024 * 1024);

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # pod spec after "spec": (only fields the webhook binds are checked) | expected in the message
          {"containers":[{"name":"a","image":{"x":"MARKER-5ec7e7"}}]}}}}     | a value of the wrong type (expected a string) at "request.object.spec.containers[0].image"
          {"containers":"MARKER-5ec7e7"}}}}                                   | a value of the wrong type (expected an array) at "request.object.spec.containers"
          {"imagePullSecrets":[{"name":["MARKER-5ec7e7"]}]}}}}                | a value of the wrong type (expected a string) at "request.object.spec.imagePullSecrets[0].name"
          {"containers":[{"name":"a","env":[{"name":"X","value":MARKER-5ec7e7}]}]}}}} | not well-formed JSON at "request.object.spec.containers[0]" (line 1, column
          {"containers":[{"image":"MARKER-5ec7e7                                | not well-formed JSON
          {"containers":[{"image":"x"}]},"MARKER-5ec7e7"}}}                   | not well-formed JSON
          """)
  void namesThePlaceAndTheKindButNeverTheContent(String spec, String expected) {
    var error =
        catchThrowableOfType(
            MalformedReviewException.class,
            () -> codec.decode((HEAD + spec).getBytes(StandardCharsets.UTF_8)));

    assertThat(error.getMessage())
        .startsWith("body is not a JSON AdmissionReview: ")
        .contains(expected)
        .doesNotContain(MARKER);
  }

  @Test
  void malformedUtf8IsRefusedWithItsPlaceNotReplaced() {
    byte[] body = (HEAD + "{\"containers\":[{\"image\":\"ab\"}]}}}}").getBytes(UTF_8);
    int at = new String(body, UTF_8).indexOf("ab\"");
    body[at] = (byte) 0xC3; // a two-byte lead followed by 'b', not a continuation byte

    var error = catchThrowableOfType(MalformedReviewException.class, () -> codec.decode(body));

    assertThat(error.getMessage()).isEqualTo("body is not valid UTF-8 (at byte " + at + ")");
  }

  @Test
  void theReplacementCharacterWrittenInItsOwnRightIsText() {
    byte[] body =
        (HEAD + "{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\uFFFD\"}]}}}}").getBytes(UTF_8);

    AdmissionRequest request = codec.decode(body);

    assertThat(request.object().getSpec().getContainers().getFirst().getImage())
        .isEqualTo("nginx\uFFFD");
  }

  /**
   * Two reviews in one body (a client that pipelines into one request), or a review and more: the
   * message said "a value of the wrong type (expected an object)", of a body made of objects.
   */
  @ParameterizedTest
  @ValueSource(strings = {" {}", "{\"apiVersion\":\"admission.k8s.io/v1\"}", " 1", " []"})
  void contentAfterTheReviewIsToldAsSuch(String after) {
    byte[] body = (HEAD + "{\"containers\":[]}}}}" + after).getBytes(UTF_8);

    var error = catchThrowableOfType(MalformedReviewException.class, () -> codec.decode(body));

    assertThat(error.getMessage())
        .startsWith("body is not a JSON AdmissionReview: content after the review (line 1, column ")
        .doesNotContain("wrong type");
  }

  @Test
  void quotesAWrongKindOnlyInPart() {
    String kind = "Admission" + "x".repeat(100_000);
    byte[] body =
        ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"" + kind + "\",\"request\":{}}")
            .getBytes(StandardCharsets.UTF_8);

    var error = catchThrowableOfType(MalformedReviewException.class, () -> codec.decode(body));

    assertThat(error.getMessage())
        .startsWith("kind must be AdmissionReview, got \"Admissionxxx")
        .endsWith("...\" (100009 characters)")
        .hasSizeLessThan(200);
  }
}
