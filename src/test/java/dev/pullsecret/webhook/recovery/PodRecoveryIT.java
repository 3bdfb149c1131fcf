package dev.pullsecret.webhook.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.ClusterWebhook;
import dev.pullsecret.webhook.testing.RequiresKubeApiServer;
import dev.pullsecret.webhook.testing.TestContexts;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Recovery on a real API server, which runs no kubelet: the test writes each pod's container
 * statuses through the status subresource as a kubelet would. Pods are created in namespaces the
 * webhook's registration does not select, so they are admitted without their secrets, as when the
 * webhook does not answer; delivery still copies the secret there.
 */
@RequiresKubeApiServer
class PodRecoveryIT {

  private static final String RULES =
      """
      pullSecrets:
        - {name: hub-creds, registries: [docker.io], source: hub-creds}
      rules:
        - {name: everyone, namespaces: ["*"], pullSecrets: [hub-creds]}
      """;

  /** A webhook with recovery in {@code mode}, its source, and namespaces it is not called for. */
  abstract static class Cluster {

    /** The node test pods are bound to: a pod that cannot pull has one (its kubelet says so). */
    static final String NODE = "node-1";

    ClusterWebhook cluster;
    KubernetesClient admin;

    abstract String mode();

    @BeforeAll
    void start() throws InterruptedException {
      cluster = new ClusterWebhook();
      admin = cluster.admin();
      admin.secrets().inNamespace(cluster.own()).resource(dockerHubSource(cluster.own())).create();
      cluster.start(
          RULES.getBytes(StandardCharsets.UTF_8),
          Map.of(
              "webhook.recovery.mode", mode(),
              "webhook.recovery.evictions-per-minute", "60",
              "webhook.sync.retry-max-delay", "1s"),
          "probe-");
    }

    @AfterAll
    void stop() {
      if (cluster != null) {
        cluster.close();
      }
    }

    static io.fabric8.kubernetes.api.model.Secret dockerHubSource(String namespace) {
      String config =
          "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\""
              + java.util.Base64.getEncoder()
                  .encodeToString("user:password".getBytes(StandardCharsets.UTF_8))
              + "\"}}}";
      return new io.fabric8.kubernetes.api.model.SecretBuilder()
          .withNewMetadata()
          .withNamespace(namespace)
          .withName("hub-creds")
          .endMetadata()
          .withType("kubernetes.io/dockerconfigjson")
          .withData(
              Map.of(
                  ".dockerconfigjson",
                  java.util.Base64.getEncoder()
                      .encodeToString(config.getBytes(StandardCharsets.UTF_8))))
          .build();
    }

    /** A namespace the webhook is not called for, once its copy of hub-creds is there. */
    String namespaceWithItsCopy() {
      String name = cluster.kube().uniqueName("unseen-");
      admin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
      cluster.eventually(
          "hub-creds copied into " + name,
          () -> assertThat(cluster.secret(name, "hub-creds")).isNotNull());
      return name;
    }

    /** A pod of {@code image}, owned by a ReplicaSet when {@code owned}, failing to pull it. */
    Pod failingPod(String namespace, String name, String image, boolean owned) {
      return failing(pod(namespace, name, image, owned));
    }

    /** A pod of {@code image}, owned by a ReplicaSet when {@code owned}, with no status yet. */
    Pod pod(String namespace, String name, String image, boolean owned) {
      var pod =
          new PodBuilder()
              .withNewMetadata()
              .withName(name)
              .withLabels(Map.of("app", name))
              .endMetadata()
              .withNewSpec()
              .withNodeName(NODE)
              .addNewContainer()
              .withName("web")
              .withImage(image)
              .endContainer()
              .endSpec()
              .build();
      if (owned) {
        ReplicaSet replicaSet =
            admin
                .apps()
                .replicaSets()
                .inNamespace(namespace)
                .resource(
                    new ReplicaSetBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(1)
                        .withNewSelector()
                        .addToMatchLabels("app", name)
                        .endSelector()
                        .withNewTemplate()
                        .withNewMetadata()
                        .addToLabels("app", name)
                        .endMetadata()
                        .withSpec(pod.getSpec())
                        .endTemplate()
                        .endSpec()
                        .build())
                .create();
        pod.getMetadata()
            .setOwnerReferences(
                List.of(
                    new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind("ReplicaSet")
                        .withName(name)
                        .withUid(replicaSet.getMetadata().getUid())
                        .withController(true)
                        .build()));
      }
      Pod created = admin.pods().inNamespace(namespace).resource(pod).create();
      assertThat(created.getSpec().getImagePullSecrets()).as("admitted without it").isEmpty();
      return created;
    }

    /** {@code created} waiting in ImagePullBackOff, as a kubelet would write it. */
    Pod failing(Pod created) {
      String image = created.getSpec().getContainers().getFirst().getImage();
      created.setStatus(
          new io.fabric8.kubernetes.api.model.PodStatusBuilder()
              .withPhase("Pending")
              .withContainerStatuses(
                  Waiting.builder(
                          "web", "ImagePullBackOff", "Back-off pulling image \"" + image + "\"")
                      .withImage(image)
                      .withImageID("")
                      .withReady(false)
                      .withRestartCount(0)
                      .build())
              .build());
      return admin
          .pods()
          .inNamespace(created.getMetadata().getNamespace())
          .resource(created)
          .updateStatus();
    }

    List<Event> events(String namespace, String pod, String reason) {
      return admin.events().v1().events().inNamespace(namespace).list().getItems().stream()
          .filter(e -> reason.equals(e.getReason()))
          .filter(e -> pod.equals(e.getRegarding().getName()))
          .toList();
    }

    /**
     * Whether the pod is there and not being deleted: an evicted pod bound to a node waits for its
     * kubelet, which this API server does not have, to end it.
     */
    boolean exists(String namespace, String pod) {
      Pod found = admin.pods().inNamespace(namespace).withName(pod).get();
      return found != null && found.getMetadata().getDeletionTimestamp() == null;
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WhenEvicting extends Cluster {

    @Override
    String mode() {
      return "evict";
    }

    @Test
    void aControllerOwnedPodWithoutItsSecretIsEvictedWithinSeconds() {
      String namespace = namespaceWithItsCopy();

      failingPod(namespace, "web", "nginx:1.27", true);

      cluster.eventually(
          "the pod evicted",
          Duration.ofSeconds(15),
          () -> assertThat(exists(namespace, "web")).isFalse());
      // The Event is written once the API server has answered the eviction, so maybe after the
      // pod is already gone.
      cluster.eventually(
          "the Event saying why",
          () ->
              assertThat(events(namespace, "web", "PodEvicted"))
                  .singleElement()
                  .satisfies(
                      e ->
                          assertThat(e.getNote())
                              .contains("ReplicaSet/web recreates it")
                              .contains("lacks pull secret hub-creds")));
    }

    @Test
    void aBarePodIsToldWhatToDoAndStays() {
      String namespace = namespaceWithItsCopy();

      failingPod(namespace, "bare", "nginx:1.27", false);

      cluster.eventually(
          "an Event on the bare pod",
          () -> assertThat(events(namespace, "bare", "MissingPullSecret")).isNotEmpty());
      assertThat(events(namespace, "bare", "MissingPullSecret").getFirst().getNote())
          .contains("no controller")
          .contains("delete it and create it again");
      assertThat(exists(namespace, "bare")).isTrue();
    }

    /**
     * The API server ignores disruption budgets for pods that are not running (its eviction's
     * canIgnorePDB: Pending, Succeeded, Failed): a pod that cannot pull is Pending, so no budget
     * holds its eviction back, which loses nothing, as it serves nothing. (A 429 from another cause
     * is retried after a back-off and counted as refused.)
     */
    @Test
    void aPendingPodIsEvictedWhateverItsDisruptionBudget() {
      String namespace = namespaceWithItsCopy();
      admin
          .policy()
          .v1()
          .podDisruptionBudget()
          .inNamespace(namespace)
          .resource(
              new PodDisruptionBudgetBuilder()
                  .withNewMetadata()
                  .withName("keep")
                  .endMetadata()
                  .withNewSpec()
                  .withMaxUnavailable(new io.fabric8.kubernetes.api.model.IntOrString(0))
                  .withNewSelector()
                  .addToMatchLabels("app", "guarded")
                  .endSelector()
                  .endSpec()
                  .build())
          .create();

      failingPod(namespace, "guarded", "nginx:1.27", true);

      cluster.eventually(
          "evicted though its budget allows no disruption",
          () -> assertThat(exists(namespace, "guarded")).isFalse());
    }

    /**
     * A pod whose namespace is being deleted goes with it, and the API server refuses its eviction
     * (403, NamespaceTerminating). Before, that 403 was taken for the webhook's RBAC: the log told
     * to grant pods/eviction and the pod was counted as forbidden.
     */
    @Test
    void aPodInANamespaceBeingDeletedIsNotTakenForALackOfRbac() throws Exception {
      String namespace = namespaceWithItsCopy();
      Pod pod = pod(namespace, "doomed", "nginx:1.27", true);
      admin.namespaces().withName(namespace).delete();
      failing(pod);
      // Created after: once it is evicted, the doomed pod was seen.
      String witnessed = namespaceWithItsCopy();
      failingPod(witnessed, "witness", "nginx:1.27", true);

      cluster.eventually(
          "the witness evicted", () -> assertThat(exists(witnessed, "witness")).isFalse());
      assertThat(cluster.process().log()).doesNotContain("may not evict pods");
      assertThat(cluster.scrape())
          .contains("pullsecret_recovery_pods_total{action=\"forbidden\"} 0.0");
    }

    @Test
    void aWrongImageWhoseRegistryNeedsNoSecretIsLeftAlone() {
      String namespace = namespaceWithItsCopy();
      failingPod(namespace, "typo", "ghcr.io/team/no-such-image:1", true);
      // The same namespace's stuck pod, created after: once it is evicted, the typo was seen.
      failingPod(namespace, "witness", "nginx:1.27", true);

      cluster.eventually(
          "the witness evicted", () -> assertThat(exists(namespace, "witness")).isFalse());
      assertThat(exists(namespace, "typo")).isTrue();
      assertThat(events(namespace, "typo", "MissingPullSecret")).isEmpty();
      assertThat(events(namespace, "typo", "PodEvicted")).isEmpty();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WhenReporting extends Cluster {

    @Override
    String mode() {
      return "report";
    }

    @Test
    void aStuckPodIsReportedOnlyAndStays() {
      String namespace = namespaceWithItsCopy();

      failingPod(namespace, "web", "nginx:1.27", true);

      cluster.eventually(
          "an Event on the pod",
          () -> assertThat(events(namespace, "web", "MissingPullSecret")).isNotEmpty());
      assertThat(events(namespace, "web", "MissingPullSecret").getFirst().getNote())
          .contains("report mode");
      assertThat(exists(namespace, "web")).isTrue();
      assertThat(events(namespace, "web", "PodEvicted")).isEmpty();
      assertThat(
              StuckPods.check(
                  admin,
                  RulesParser.parse(RULES, "rules.yaml"),
                  TestContexts.SCOPE,
                  (ns, secret) -> cluster.secret(ns, secret) != null))
          .as("doctor lists it")
          .anySatisfy(
              finding -> {
                assertThat(finding.namespace()).isEqualTo(namespace);
                assertThat(finding.pod()).isEqualTo("web");
                assertThat(finding.controller()).isEqualTo("ReplicaSet/web");
                assertThat(finding.why()).contains("lacks pull secret hub-creds");
              });
    }
  }
}
