package dev.pullsecret.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.mutation.Explanation;
import dev.pullsecret.webhook.mutation.PodMutator;
import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestContexts;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a review's pod is bound into grows with the number of things the webhook reads, never with
 * what a client packs around them (see {@link PodFields}).
 */
class PodFieldsBoundsTest {

  private final AdmissionReviewCodec codec = new AdmissionReviewCodec(4 * 1024 * 1024);

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"containers", "initContainers", "ephemeralContainers", "imagePullSecrets"})
  void aPodListIsRefusedAtItsElementPastTheLimitWithThePath(String list) {
    String over = elements(list, PodFields.MAX_LIST_ELEMENTS + 1);

    assertThatThrownBy(() -> codec.decode(review("\"spec\":{" + over + "}")))
        .isInstanceOf(MalformedReviewException.class)
        .hasMessageContaining("more than 256 elements in a pod list (the webhook's limit)")
        .hasMessageContaining("request.object.spec." + list + "[256]");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"containers", "initContainers", "ephemeralContainers", "imagePullSecrets"})
  void aPodListAtTheLimitIsRead(String list) {
    String full = elements(list, PodFields.MAX_LIST_ELEMENTS);

    var pod = codec.decode(review("\"spec\":{" + full + "}")).object();

    assertThat(pod.getSpec()).isNotNull();
  }

  @Test
  void onlyTheFirstAnnotationsAndTheMirrorMarkerAreKept() {
    var annotations = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      annotations.append("\"a").append(i).append("\":\"v\",");
    }
    annotations.append("\"").append(PodMutator.MIRROR_POD_ANNOTATION).append("\":\"x\"");

    var metadata =
        codec
            .decode(review("\"metadata\":{\"annotations\":{" + annotations + "}},\"spec\":{}"))
            .object()
            .getMetadata();

    assertThat(metadata.getAnnotations())
        .hasSize(PodFields.MAX_ANNOTATIONS_KEPT + 1)
        .containsKey(PodMutator.MIRROR_POD_ANNOTATION);
  }

  /**
   * The API server refuses a pod whose annotations (keys and values, in UTF-8 bytes) pass 256 KiB.
   * A pod just under that bound (a large kubectl.kubernetes.io/last-applied-configuration, say) is
   * valid as sent: the explanation annotation must not push it over, which made the API server
   * refuse the pod ("metadata.annotations: Too long: must have at most 262144 bytes", seen on a
   * real API server). The other changes are still made, and the user is told why the annotation is
   * missing. The annotations come after the first 16 the webhook keeps, and in multi-byte
   * characters, so the size must be counted as read, in bytes.
   */
  @Test
  void anExplanationThatWouldPassTheApiServersAnnotationBoundIsLeftOut() {
    var annotations = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < 20; i++) {
      annotations.append("\"a").append(i).append("\":\"v\",");
      bytes += ("a" + i).length() + 1;
    }
    int room = 40; // less than the explanation takes, with its key
    String big = "é".repeat((262_144 - bytes - room - 3) / 2); // two bytes each in UTF-8
    annotations.append("\"big\":\"").append(big).append('"');
    AdmissionDecision decision = decideWithAnnotations(annotations.toString());

    assertThat(decision.patch())
        .extracting(PatchOperation::path)
        .contains("/spec/imagePullSecrets")
        .noneMatch(path -> path.startsWith("/metadata"));
    assertThat(decision.shownWarnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains(Explanation.ANNOTATION)
                    .contains("left out")
                    .contains("262144 bytes"));
  }

  @Test
  void anExplanationThatFitsTheApiServersAnnotationBoundIsWritten() {
    String big = "x".repeat(262_144 - 3 - 200);
    AdmissionDecision decision = decideWithAnnotations("\"big\":\"" + big + "\"");

    assertThat(decision.patch())
        .extracting(PatchOperation::path)
        .contains("/metadata/annotations/pullsecret.dev~1mutated");
  }

  private static LoadedRules rules() {
    String text = new String(Reviews.resource("rules/test-rules.yaml"), StandardCharsets.UTF_8);
    return new LoadedRules(
        RulesParser.parse(text, "test-rules.yaml"), 1, "test", Instant.EPOCH, "");
  }

  @Test
  void onlyTheFirstLabelsThatCanBeLabelsAreKept() {
    var labels = new StringBuilder("\"long\":\"" + "v".repeat(64) + "\",");
    labels.append("\"").append("k".repeat(318)).append("\":\"v\",");
    for (int i = 0; i < 10_000; i++) {
      labels.append("\"l").append(i).append("\":\"v\",");
    }
    labels.append("\"last\":\"v\"");

    var metadata =
        codec
            .decode(review("\"metadata\":{\"labels\":{" + labels + "}},\"spec\":{}"))
            .object()
            .getMetadata();

    assertThat(metadata.getLabels())
        .hasSize(PodFields.MAX_LABELS_KEPT)
        .containsKey("l0")
        .doesNotContainKeys("long", "k".repeat(318), "last");
  }

  @Test
  void propertiesTheWebhookDoesNotReadAreNotKeptAnywhere() {
    String extra = "\"x1\":{\"deep\":[1,2,3]},\"x2\":\"y\"";
    String body =
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{"
            + "\"uid\":\"u\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\","
            + extra
            + "},\"resource\":{\"group\":\"\",\"version\":\"v1\",\"resource\":\"pods\","
            + extra
            + "},\"operation\":\"CREATE\",\"object\":{\"spec\":{\"imagePullSecrets\":[{\"name\":\"s\","
            + extra
            + "}],\"containers\":[{\"name\":\"c\",\"image\":\"i\","
            + extra
            + "}]}}}}";

    AdmissionRequest request = codec.decode(body.getBytes(StandardCharsets.UTF_8));

    // A record: it has no place for made-up properties.
    assertThat(request.kind()).isEqualTo(new AdmissionRequest.Kind("", "v1", "Pod"));
    var spec = request.object().getSpec();
    assertThat(spec.getImagePullSecrets().getFirst().getAdditionalProperties()).isEmpty();
    assertThat(spec.getContainers().getFirst().getAdditionalProperties()).isEmpty();
  }

  private static String elements(String list, int n) {
    var json = new StringBuilder("\"").append(list).append("\":[");
    for (int i = 0; i < n; i++) {
      json.append(i == 0 ? "" : ",").append("{\"name\":\"n").append(i).append("\"}");
    }
    return json.append(']').toString();
  }

  private static byte[] review(String pod) {
    return ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{"
            + "\"uid\":\"u\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},"
            + "\"operation\":\"CREATE\",\"namespace\":\"default\",\"object\":{"
            + pod
            + "}}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The decision on a one-container pod whose annotations are {@code annotations} (JSON members).
   */
  private AdmissionDecision decideWithAnnotations(String annotations) {
    byte[] review =
        review(
            "\"metadata\":{\"name\":\"p\",\"annotations\":{"
                + annotations
                + "}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.27\"}]}");
    return TestContexts.offline(PodFieldsBoundsTest::rules).decide(codec.decode(review));
  }
}
