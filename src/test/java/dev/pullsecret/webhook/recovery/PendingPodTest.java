package dev.pullsecret.webhook.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.testing.TestContexts;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What recovery keeps of a pending pod is bounded, whatever the pod's author wrote. */
class PendingPodTest {

  @Test
  void keepsAFewFailingImagesOfBoundedLengthOfAHostilePod() {
    var containers = new ArrayList<io.fabric8.kubernetes.api.model.Container>();
    var statuses = new ArrayList<io.fabric8.kubernetes.api.model.ContainerStatus>();
    for (int i = 0; i < 5_000; i++) {
      String image = i % 2 == 0 ? "registry.example.com/app-" + i + ":1" : "x".repeat(10_000) + i;
      containers.add(new ContainerBuilder().withName("c" + i).withImage(image).build());
      statuses.add(Waiting.status("c" + i, i % 3 == 0 ? "ErrImagePull" : "ImagePullBackOff"));
    }
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("shop")
            .withName("huge")
            .withUid("u")
            .addToLabels("pullsecret.dev/inject", "disabled")
            .endMetadata()
            .withNewSpec()
            .withContainers(containers)
            .endSpec()
            .withNewStatus()
            .withPhase("Pending")
            .withContainerStatuses(statuses)
            .endStatus()
            .build();

    PendingPod kept = PendingPod.of(pod, TestContexts.SCOPE);

    assertThat(kept.failingImages())
        .hasSize(PendingPod.MAX_IMAGES)
        .allSatisfy(
            image -> assertThat(image.length()).isLessThanOrEqualTo(PendingPod.MAX_IMAGE_CHARS));
    assertThat(kept.optedOut()).isTrue();
    assertThat(kept.controller()).isNull();
    assertThat(kept.explained()).isFalse();
  }

  /**
   * The API server does not check the names of a pod's imagePullSecrets: a pod that is never
   * scheduled (an impossible nodeSelector) may carry 64 names of 22,000 characters (1.4 MB, stored
   * by a real API server), which recovery kept, pod after pod. A name longer than a Secret's can
   * name none, so it is not kept: what recovery decides stays the same. Nor are an owner's kind and
   * name checked (a 500,000-character name is stored): the controller is kept as one bounded line.
   */
  @Test
  void keepsOnlyPullSecretNamesASecretCanHave() {
    var pod =
        nginxIn("names")
            .withNewStatus()
            .addToContainerStatuses(Waiting.status("c", "ImagePullBackOff"))
            .endStatus()
            .build();
    for (int i = 0; i < 64; i++) {
      pod.getSpec()
          .getImagePullSecrets()
          .add(new LocalObjectReference("s" + "a".repeat(22_000) + i));
    }
    pod.getSpec().getImagePullSecrets().add(new LocalObjectReference("regcred"));
    pod.getMetadata()
        .getOwnerReferences()
        .add(
            new OwnerReferenceBuilder()
                .withKind("Kind\nINFO forged")
                .withName("n".repeat(500_000))
                .withController(true)
                .build());

    PendingPod kept = PendingPod.of(pod, TestContexts.SCOPE);

    assertThat(kept.pullSecrets()).containsExactly("regcred");
    assertThat(kept.controller())
        .startsWith("Kind\\nINFO forged/nnn")
        .hasSizeLessThanOrEqualTo(PendingPod.MAX_CONTROLLER_CHARS + 16)
        .doesNotContain("\n");
  }

  /**
   * A pod that is not failing to pull cannot be stuck: its pull secrets' names are not kept. A
   * tenant's pods that are never scheduled would otherwise keep 64 names of 253 characters each (16
   * KB), pod after pod.
   */
  @Test
  void keepsNoPullSecretNamesOfAPodThatIsNotFailingToPull() {
    var pod = nginxIn("unschedulable").withNewStatus().withPhase("Pending").endStatus().build();
    for (int i = 0; i < 64; i++) {
      pod.getSpec().getImagePullSecrets().add(new LocalObjectReference("s".repeat(250) + i));
    }

    PendingPod kept = PendingPod.of(pod, TestContexts.SCOPE);

    assertThat(kept.failingImages()).isEmpty();
    assertThat(kept.pullSecrets()).isEmpty();
  }

  @Test
  void keepsNothingOfContainersThatAreNotFailingToPull() {
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("shop")
            .withName("crashing")
            .addNewOwnerReference()
            .withKind("ReplicaSet")
            .withName("web-1")
            .withController(true)
            .endOwnerReference()
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("web")
            .withImage("nginx:1.27")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Pending")
            .addToContainerStatuses(Waiting.status("web", "CrashLoopBackOff"))
            .endStatus()
            .build();

    PendingPod kept = PendingPod.of(pod, TestContexts.SCOPE);

    assertThat(kept.failingImages()).isEmpty();
    assertThat(kept.controller()).isEqualTo("ReplicaSet/web-1");
    assertThat(List.of(kept.key())).containsExactly("shop/crashing");
  }

  /** Pod {@code name} in namespace shop, one container c of nginx, no status yet. */
  private static PodBuilder nginxIn(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("shop")
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("nginx")
        .endContainer()
        .endSpec();
  }
}
