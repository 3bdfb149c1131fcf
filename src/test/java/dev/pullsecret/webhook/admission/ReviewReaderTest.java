package dev.pullsecret.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.admission.AdmissionReviewCodec.Envelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link ReviewReader} answers exactly as the Jackson path of the codec does, or not at all (null,
 * and the codec falls back to Jackson): on every review we have, on the same reviews re-written by
 * Jackson with other whitespace, and on thousands of corrupted copies.
 */
class ReviewReaderTest {

  private static final Path CASES = Path.of("src/test/resources/admission/cases");
  private static final Path BENCH = Path.of("bench/reviews");
  private static final JsonMapper PRETTY = JsonMapper.builder().build();

  private final AdmissionReviewCodec codec = new AdmissionReviewCodec(4 * 1024 * 1024);

  static Stream<Path> reviews() throws IOException {
    try (var cases = Files.list(CASES);
        var bench = Files.list(BENCH)) {
      return Stream.concat(cases, bench)
          .filter(p -> p.toString().endsWith(".review.json"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reviews")
  void readsEveryReviewAsJacksonDoes(Path review) throws IOException {
    byte[] body = Files.readAllBytes(review);

    Envelope fast = ReviewReader.read(body);

    assertThat(fast).as("handled by the fast path").isNotNull();
    assertThat(fast).isEqualTo(codec.readWithJackson(body));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reviews")
  void readsPrettyPrintedReviewsAsJacksonDoes(Path review) throws IOException {
    byte[] body =
        PRETTY.writerWithDefaultPrettyPrinter().writeValueAsBytes(PRETTY.readTree(review.toFile()));

    Envelope fast = ReviewReader.read(body);

    assertThat(fast).isNotNull().isEqualTo(codec.readWithJackson(body));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reviews")
  void neverAnswersWhatJacksonWouldNotForCorruptedCopies(Path review) throws IOException {
    byte[] original = Files.readAllBytes(review);
    var random = new Random(review.getFileName().toString().hashCode());
    byte[] alphabet = "{}[]\",:\\ 0-1.eEtrufalsn\u00e9\t\n\u0001".getBytes(StandardCharsets.UTF_8);
    for (int round = 0; round < 400; round++) {
      byte[] body = original.clone();
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(body.length);
        body[at] =
            random.nextBoolean()
                ? alphabet[random.nextInt(alphabet.length)]
                : (byte) random.nextInt(256);
      }
      if (random.nextInt(10) == 0) {
        body = java.util.Arrays.copyOf(body, random.nextInt(body.length));
      }
      assertSameOrUnhandled(body);
    }
  }

  @Nested
  class Strings {

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          "\"im\\u0061ge\": \"a/b:1\"",
          "\"image\": \"a\\/b:1\"",
          "\"image\": \"caf\u00e9\"",
          "\"image\": \"tab\\there\"",
          "\"image\": \"\\ud83d\\ude00\"",
          "\"image\": \"ctl\u0001\"",
          "\"image\": 42",
          "\"image\": null",
          "\"image\": \"bad\\escape\"",
          "\"x\\\"y\": {\"k:{\\\"name\\\":\\\"app\\\"}\": {}}, \"image\": \"ok\""
        })
    void decodesOrLeavesToJackson(String member) {
      String body =
          "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
              + "{\"uid\":\"u\",\"object\":{\"spec\":{\"containers\":[{"
              + member
              + "}]}}}}";

      assertSameOrUnhandled(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesEscapesInAnnotations() {
      String body =
          "{\"request\":{\"uid\":\"u\",\"object\":{\"metadata\":{\"annotations\":"
              + "{\"a\\u002fb\":\"say \\\"hi\\\"\\n\"}}}}}";

      Envelope fast = ReviewReader.read(body.getBytes(StandardCharsets.UTF_8));

      assertThat(fast.request().object().getMetadata().getAnnotations())
          .containsEntry("a/b", "say \"hi\"\n");
    }
  }

  @Nested
  class Structure {

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          "",
          "null",
          "[]",
          "{}",
          "{} x",
          "{\"request\":{\"uid\":\"u\"},}",
          "{\"request\":{\"uid\":\"u\",\"x\":01}}",
          "{\"request\":{\"uid\":\"u\",\"x\":-}}",
          "{\"request\":{\"uid\":\"u\",\"x\":1.}}",
          "{\"request\":{\"uid\":\"u\",\"x\":1e5}}",
          "{\"request\":{\"uid\":\"u\",\"x\":[1,]}}",
          "{\"request\":{\"uid\":\"u\",\"x\":tru}}",
          "{\"request\":{\"uid\":\"u\",\"x\":nullx}}",
          "{\"request\":{\"uid\":\"u\",\"dryRun\":\"true\"}}",
          "{\"request\":{\"uid\":\"u\",\"kind\":{\"group\":\"\",\"extra\":1}}}",
          "{\"request\":{\"uid\":\"u\",\"object\":{\"metadata\":null}}}",
          "{\"request\":{\"uid\":\"u\",\"object\":null}}",
          "\ufeff{\"request\":{\"uid\":\"u\"}}"
        })
    void readsOrLeavesToJackson(String body) {
      assertSameOrUnhandled(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void leavesDeepNestingToJackson() {
      String deep = "[".repeat(200) + "]".repeat(200);
      String body = "{\"request\":{\"uid\":\"u\",\"x\":" + deep + "}}";

      assertThat(ReviewReader.read(body.getBytes(StandardCharsets.UTF_8))).isNull();
    }
  }

  /** The fast path either declines or gives exactly what Jackson gives. */
  private void assertSameOrUnhandled(byte[] body) {
    Envelope fast = ReviewReader.read(body);
    if (fast == null) {
      return;
    }
    Envelope reference;
    try {
      reference = codec.readWithJackson(body);
    } catch (MalformedReviewException e) {
      throw new AssertionError(
          "fast path accepted what Jackson refuses ("
              + e.getMessage()
              + "): "
              + new String(body, StandardCharsets.UTF_8),
          e);
    }
    assertThat(fast).as(new String(body, StandardCharsets.UTF_8)).isEqualTo(reference);
  }
}
