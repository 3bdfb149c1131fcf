package dev.pullsecret.webhook.admission;

import static dev.pullsecret.webhook.testing.Reviews.applyPatch;
import static dev.pullsecret.webhook.testing.Reviews.json;
import static dev.pullsecret.webhook.testing.Reviews.pod;
import static dev.pullsecret.webhook.testing.Reviews.pullSecretNames;
import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestContexts;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every {@code admission/cases/<case>.review.json} (recorded from a real API server, or derived
 * from one) is answered, its patch applied to the pod with a real JSON Patch implementation, and
 * the result compared with {@code <case>.expected.json}. The patched pod is then reviewed again, as
 * with {@code reinvocationPolicy: IfNeeded}, and must yield no patch.
 */
class AdmissionFixturesTest {

  private static final String CASES = "admission/cases/";

  private final AdmissionReviewCodec codec = new AdmissionReviewCodec(4 * 1024 * 1024);
  private final AdmissionHandler handler = TestContexts.offline(AdmissionFixturesTest::testRules);

  static Stream<String> cases() throws IOException, URISyntaxException {
    Path dir = Path.of(AdmissionFixturesTest.class.getResource("/" + CASES).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".review.json"))
          .map(n -> n.substring(0, n.length() - ".review.json".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answersAsExpected(String name) {
    byte[] review = resource(CASES + name + ".review.json");
    JsonNode expected = json(resource(CASES + name + ".expected.json"));

    JsonNode response = answer(review);

    JsonNode request = json(review).get("request");
    assertThat(response.path("apiVersion").asString()).isEqualTo("admission.k8s.io/v1");
    assertThat(response.path("kind").asString()).isEqualTo("AdmissionReview");
    assertThat(response.path("response").path("uid").asString())
        .isEqualTo(request.get("uid").asString());
    assertThat(response.path("response").path("allowed").asBoolean()).isTrue();
    assertThat(lastReason).isEqualTo(Reason.valueOf(expected.get("reason").asString()));
    assertWarnings(response, expected);

    boolean patched = lastReason == Reason.PATCHED;
    assertThat(response.path("response").has("patch")).isEqualTo(patched);
    if (patched) {
      assertThat(response.path("response").path("patchType").asString()).isEqualTo("JSONPatch");
    }
    JsonNode object = request.get("object");
    Pod result = pod(patched ? applyPatch(object, response) : object);
    if (expected.has("imagePullSecrets")) {
      List<String> want =
          expected.get("imagePullSecrets").valueStream().map(JsonNode::asString).toList();
      assertThat(pullSecretNames(result)).containsExactlyElementsOf(want);
    }
    if (expected.has("containers")) {
      assertContainers(result, expected.get("containers"));
    }
    if (expected.has("annotations")) {
      Map<String, String> annotations = result.getMetadata().getAnnotations();
      Map<String, String> ours = new HashMap<>();
      annotations.forEach(
          (k, v) -> {
            if (k.startsWith("pullsecret.dev/")) {
              ours.put(k, v);
            }
          });
      Map<String, String> want = new HashMap<>();
      expected
          .get("annotations")
          .properties()
          .forEach(e -> want.put(e.getKey(), e.getValue().asString()));
      assertThat(ours).isEqualTo(want);
    }
    if (patched) {
      JsonNode again = answer(Reviews.withObject(review, applyPatch(object, response)));
      assertThat(again.path("response").has("patch"))
          .as("re-invocation on the patched pod yields no patch")
          .isFalse();
    }
  }

  /**
   * {@code "containers": {"<name>": {"image": ..., "imagePullPolicy": ...}}}, any container kind.
   */
  private static void assertContainers(Pod pod, JsonNode expected) {
    Map<String, String[]> actual = new HashMap<>();
    var spec = pod.getSpec();
    Stream.concat(spec.getInitContainers().stream(), spec.getContainers().stream())
        .forEach(c -> actual.put(c.getName(), new String[] {c.getImage(), c.getImagePullPolicy()}));
    spec.getEphemeralContainers()
        .forEach(c -> actual.put(c.getName(), new String[] {c.getImage(), c.getImagePullPolicy()}));
    for (var entry : expected.properties()) {
      String[] container = actual.get(entry.getKey());
      assertThat(container).as("container " + entry.getKey()).isNotNull();
      assertThat(container[0])
          .as(entry.getKey() + " image")
          .isEqualTo(entry.getValue().get("image").asString());
      assertThat(container[1])
          .as(entry.getKey() + " imagePullPolicy")
          .isEqualTo(entry.getValue().get("imagePullPolicy").asString());
    }
  }

  private Reason lastReason;

  private JsonNode answer(byte[] review) {
    AdmissionDecision decision = handler.decide(codec.decode(review));
    lastReason = decision.reason();
    return json(codec.encode(decision));
  }

  private static void assertWarnings(JsonNode response, JsonNode expected) {
    List<String> warnings =
        response.path("response").path("warnings").valueStream().map(JsonNode::asString).toList();
    if (!expected.has("warnings")) {
      assertThat(warnings).isEmpty();
      return;
    }
    String all = String.join("\n", warnings);
    expected.get("warnings").valueStream().forEach(w -> assertThat(all).contains(w.asString()));
    assertThat(warnings).allSatisfy(w -> assertThat(w).startsWith("pullsecret-webhook: "));
  }

  private static LoadedRules testRules() {
    String text = new String(resource("rules/test-rules.yaml"), StandardCharsets.UTF_8);
    return new LoadedRules(
        RulesParser.parse(text, "test-rules.yaml"), 1, "test", Instant.EPOCH, "");
  }
}
