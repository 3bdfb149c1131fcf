package dev.pullsecret.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
