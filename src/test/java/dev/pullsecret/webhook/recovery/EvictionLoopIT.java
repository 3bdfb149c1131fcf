package dev.pullsecret.webhook.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.testing.RequiresKubeApiServer;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A controller whose new pods never get their secrets is not evicted in a loop. A pod the webhook
 * refuses (more than 256 containers: a 400, so the API server admits it unchanged, fail-open) or
 * one whose image a tenant changes afterwards (updates are not mutated) lacks its secret; evicted,
 * its controller recreates it alike, and before, the new pod was evicted again, forever, each time
 * taking one of the evictions a minute every tenant's recovery shares. Now the controller's pod
 * made after the eviction is told, not evicted.
 */
@RequiresKubeApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvictionLoopIT extends PodRecoveryIT.Cluster {

  @Override
  String mode() {
    return "evict";
  }

  @Test
  void theControllersNextPodWithoutItsSecretIsToldNotEvictedAgain() {
    String namespace = namespaceWithItsCopy();
    Pod first = failingPod(namespace, "loop", "nginx:1.27", true);
    cluster.eventually(
        "the first pod evicted", () -> assertThat(exists(namespace, "loop")).isFalse());

    // What its ReplicaSet would create in its place (this API server runs no controllers).
    replacement(namespace, "loop-2", first);

    cluster.eventually(
        "an Event on the new pod",
        () ->
            assertThat(events(namespace, "loop-2", "MissingPullSecret"))
                .singleElement()
                .satisfies(e -> assertThat(e.getNote()).contains("not evicted again")));
    assertThat(exists(namespace, "loop-2")).isTrue();
    assertThat(events(namespace, "loop-2", "PodEvicted")).isEmpty();
  }

  /**
   * An eviction names its pod's uid: a pod made since under the same name (a StatefulSet's) is not
   * evicted by a decision taken on the one before.
   */
  @Test
  void anEvictionOfAPodGoneLeavesTheOneMadeSinceUnderItsName() {
    String namespace = namespaceWithItsCopy();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("same-name")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("nginx:1.27")
            .endContainer()
            .endSpec()
            .build();
    var named = admin.pods().inNamespace(namespace).withName("same-name");
    Pod gone = admin.pods().inNamespace(namespace).resource(pod).create();
    var stale =
        new PendingPod(
            namespace,
            "same-name",
            gone.getMetadata().getUid(),
            null,
            false,
            Set.of(),
            List.of(),
            false,
            null);
    named.delete();
    cluster.eventually(
        "the pod deleted", () -> assertThat(exists(namespace, "same-name")).isFalse());
    Pod made = admin.pods().inNamespace(namespace).resource(pod).create();

    // The API server retries a conflicting eviction for ~10 s (20 times 0.5 s) before its 409: a
    // client that waits 2 s sees no answer, where an eviction of the pod by name succeeds at once.
    try (var client = cluster.kube().adminClient(Duration.ofSeconds(2))) {
      assertThatThrownBy(
              () ->
                  client
                      .pods()
                      .inNamespace(namespace)
                      .withName("same-name")
                      .evict(stale.eviction()))
          .isInstanceOf(KubernetesClientException.class);
    }
    assertThat(named.get().getMetadata().getUid()).isEqualTo(made.getMetadata().getUid());
  }

  /** Pod {@code name} of the same controller as {@code evicted}, failing to pull alike. */
  private void replacement(String namespace, String name, Pod evicted) {
    var owner = evicted.getMetadata().getOwnerReferences().getFirst();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withOwnerReferences(new OwnerReferenceBuilder(owner).build())
            .endMetadata()
            .withSpec(evicted.getSpec())
            .build();
    Pod created = admin.pods().inNamespace(namespace).resource(pod).create();
    created.setStatus(
        new PodStatusBuilder()
            .withPhase("Pending")
            .withContainerStatuses(
                new ContainerStatusBuilder(evicted.getStatus().getContainerStatuses().getFirst())
                    .build())
            .build());
    admin.pods().inNamespace(namespace).resource(created).updateStatus();
  }
}
