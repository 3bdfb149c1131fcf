package dev.pullsecret.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.TestContexts;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The codec binds only the pod fields the webhook reads ({@link PodFields}). Every review we have
 * must get exactly the same answer as when the whole pod is bound, so a field the mutation core
 * starts to read and {@link PodFields} forgets shows up here as a different decision.
 */
class PodFieldsTest {

  private static final Path CASES = Path.of("src/test/resources/admission/cases");
  private static final Path BENCH = Path.of("bench/reviews");

  private final AdmissionReviewCodec codec = new AdmissionReviewCodec(4 * 1024 * 1024);
  private final JsonMapper fullMapper =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

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
  void answersAsIfTheWholePodWereBound(Path review) throws IOException {
    byte[] body = Files.readAllBytes(review);
    var handler = TestContexts.offline(() -> rules(review));

    AdmissionDecision partly = handler.decide(codec.decode(body));
    AdmissionDecision whole =
        handler.decide(fullMapper.readValue(body, AdmissionReviewCodec.Envelope.class).request());

    assertThat(partly).isEqualTo(whole);
  }

  @Test
  void skipsFieldsTheWebhookNeverReads() throws IOException {
    Pod pod = codec.decode(Files.readAllBytes(BENCH.resolve("typical.review.json"))).object();

    assertThat(pod.getMetadata().getManagedFields()).isEmpty();
    assertThat(pod.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(pod.getMetadata().getLabels()).isNotEmpty(); // read for the opt-out label
    assertThat(pod.getSpec().getVolumes()).isEmpty();
    assertThat(pod.getSpec().getContainers().getFirst().getEnv()).isEmpty();
    assertThat(pod.getSpec().getContainers().getFirst().getImage())
        .isEqualTo("registry.corp:5000/team/web:2.14.1");
    assertThat(pod.getMetadata().getGenerateName()).isEqualTo("web-7c9f8d6b5-");
  }

  private static LoadedRules rules(Path review) {
    Path file =
        review.startsWith(BENCH)
            ? Path.of("bench/rules.yaml")
            : Path.of("src/test/resources/rules/test-rules.yaml");
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return new LoadedRules(RulesParser.parse(text, file.toString()), 1, "t", Instant.EPOCH, "");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
