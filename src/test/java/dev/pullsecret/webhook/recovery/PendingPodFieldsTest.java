package dev.pullsecret.webhook.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.mutation.Explanation;
import dev.pullsecret.webhook.testing.TestContexts;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pending pods' watch binds only what {@link PendingPod} reads: the same decision as from the
 * whole pod, and none of the bulk a tenant can put in one (the pods themselves: {@code
 * HostilePendingPodsIT}).
 */
class PendingPodFieldsTest {

  private static final JsonMapper WHOLE = JsonMapper.builderWithJackson2Defaults().build();
  private static final JsonMapper BOUND =
      PendingPodFields.bindOnlyReadFields(JsonMapper.builderWithJackson2Defaults()).build();

  @Test
  void keepsWhatTheDecisionReadsAsTheWholePodGivesIt() {
    Pod pod = stuck().build();

    Pod bound = BOUND.readValue(WHOLE.writeValueAsString(pod), Pod.class);

    assertThat(PendingPod.of(bound, TestContexts.SCOPE))
        .isEqualTo(PendingPod.of(pod, TestContexts.SCOPE))
        .satisfies(
            kept -> {
              assertThat(kept.controller()).isEqualTo("ReplicaSet/web-1");
              assertThat(kept.pullSecrets()).containsExactly("other");
              assertThat(kept.failingImages()).containsExactly("nginx:1.27");
              assertThat(kept.optedOut()).isTrue();
              assertThat(kept.explained()).isTrue();
            });
    assertThat(bound.getMetadata().getResourceVersion()).as("the watch's bookmark").isEqualTo("7");
  }

  @Test
  void bindsNoneOfTheBulkOfAHostilePod() {
    Pod pod =
        stuck()
            .editMetadata()
            .addToManagedFields(new ManagedFieldsEntryBuilder().withManager("m").build())
            .addToAnnotations("filler", "x".repeat(200_000))
            .endMetadata()
            .editSpec()
            .editFirstContainer()
            .withEnv(
                IntStream.range(0, 10_000).mapToObj(i -> new EnvVar("e" + i, "v", null)).toList())
            .endContainer()
            .endSpec()
            .build();
    IntStream.range(0, 1_000).forEach(i -> pod.getMetadata().getLabels().put("l" + i, "v"));
    IntStream.range(0, 1_000)
        .forEach(i -> pod.getSpec().getContainers().add(pod.getSpec().getContainers().get(0)));
    IntStream.range(0, 1_000)
        .forEach(i -> pod.getSpec().getImagePullSecrets().add(new LocalObjectReference("s" + i)));

    Pod bound = BOUND.readValue(WHOLE.writeValueAsString(pod), Pod.class);

    assertThat(bound.getSpec().getContainers())
        .hasSize(PendingPodFields.MAX_LIST_ELEMENTS)
        .allSatisfy(c -> assertThat(c.getEnv()).isEmpty());
    assertThat(bound.getSpec().getImagePullSecrets()).hasSize(PendingPodFields.MAX_LIST_ELEMENTS);
    assertThat(PendingPodFields.whole(bound.getSpec().getImagePullSecrets())).isFalse();
    assertThat(PendingPodFields.whole(bound.getSpec().getInitContainers())).isTrue();
    assertThat(bound.getMetadata().getManagedFields()).isEmpty();
    assertThat(bound.getMetadata().getAnnotations()).containsOnlyKeys(Explanation.ANNOTATION);
    assertThat(bound.getMetadata().getLabels()).hasSize(PendingPodFields.MAX_LABELS_KEPT);
  }

  /** The API server writes labels sorted by key: the opt-out label may come after the 64th. */
  @Test
  void takesAPodWithMoreLabelsThanKeptAsOptedOut() {
    Pod pod = stuck().build();
    pod.getMetadata().getLabels().clear();
    IntStream.range(0, 100).forEach(i -> pod.getMetadata().getLabels().put("app-" + i, "v"));

    Pod bound = BOUND.readValue(WHOLE.writeValueAsString(pod), Pod.class);

    assertThat(PendingPod.of(pod, TestContexts.SCOPE).optedOut()).isFalse();
    assertThat(PendingPod.of(bound, TestContexts.SCOPE).optedOut()).isTrue();
  }

  /**
   * A mirror pod (a static pod the kubelet reports, owned by its Node) is never sent to the webhook
   * (the chart's matchCondition) nor changed by it, and no pull secret can be added to it: it is
   * never judged stuck. Before, it was, so evict mode evicted it (deleting the mirror, which the
   * kubelet makes again, as stuck as before) and report mode told to delete it to get its secrets.
   */
  @Test
  void judgesNoMirrorPod() {
    Pod pod = stuck().build();
    pod.getMetadata().getLabels().clear();
    pod.getMetadata().getAnnotations().put("kubernetes.io/config.mirror", "0123abcd");
    pod.getMetadata().getOwnerReferences().getFirst().setKind("Node");

    Pod bound = BOUND.readValue(WHOLE.writeValueAsString(pod), Pod.class);

    assertThat(PendingPod.of(pod, TestContexts.SCOPE).failingImages()).isEmpty();
    assertThat(PendingPod.of(bound, TestContexts.SCOPE).failingImages()).isEmpty();
  }

  /**
   * A pod being deleted (a deletion timestamp: its node is gone, or a finalizer holds it) is on its
   * way out whatever recovery does. Before, evict mode evicted it (a no-op the API server answers
   * with success), wrote "evicted so that its controller recreates it", counted it and took its
   * controller's next pod for a loop; report mode and doctor told to delete it.
   */
  @Test
  void judgesNoPodBeingDeleted() {
    Pod pod = stuck().build();
    pod.getMetadata().getLabels().clear();
    pod.getMetadata().setDeletionTimestamp("2026-12-07T23:32:35Z");

    Pod bound = BOUND.readValue(WHOLE.writeValueAsString(pod), Pod.class);

    assertThat(PendingPod.of(pod, TestContexts.SCOPE).failingImages()).isEmpty();
    assertThat(PendingPod.of(bound, TestContexts.SCOPE).failingImages()).isEmpty();
  }

  /** A ReplicaSet's pod, opted out, seen at admission, failing to pull nginx without its secret. */
  private static PodBuilder stuck() {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("shop")
        .withName("web-1-x")
        .withUid("u-1")
        .withResourceVersion("7")
        .addToLabels("pullsecret.dev/inject", "disabled")
        .addToAnnotations(Explanation.ANNOTATION, "rule=everyone")
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("ReplicaSet")
        .withName("web-1")
        .withUid("rs")
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("web")
        .withImage("nginx:1.27")
        .endContainer()
        .addNewImagePullSecret("other")
        .endSpec()
        .withNewStatus()
        .withPhase("Pending")
        .addToContainerStatuses(Waiting.status("web", "ImagePullBackOff"))
        .endStatus();
  }
}
