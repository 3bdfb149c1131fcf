package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.testing.ClusterWebhook.pullSecretNames;
import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.pullsecret.webhook.mutation.Explanation;
import dev.pullsecret.webhook.registry.StubHttpsServer;
import dev.pullsecret.webhook.testing.ClusterWebhook;
import dev.pullsecret.webhook.testing.KubeApiServer;
import dev.pullsecret.webhook.testing.RequiresKubeApiServer;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The whole path as a cluster drives it: the webhook as a process of its own, registered by URL
 * with a real API server ({@link KubeApiServer}), which calls it over TLS for every pod created
 * through it and stores what the patch made; and the sync loop, on a kubeconfig, copying the source
 * Secret of {@code delivery/rules.yaml} into the namespaces the rules cover. A Failsafe test.
 */
@RequiresKubeApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealApiServerIT {

  ClusterWebhook cluster;

  @BeforeAll
  void start() throws InterruptedException {
    cluster = new ClusterWebhook();
    String own = cluster.own();
    cluster
        .admin()
        .secrets()
        .inNamespace(own)
        .resource(SyncFixture.source(own, "dockerhub-creds", SyncFixture.PULL, "v1"))
        .create();
    cluster.start(resource("delivery/real-api-rules.yaml"), Map.of(), "team-probe-");
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void storesPodsWithThePullSecretsOfTheirRule() {
    String namespace = cluster.namespace("team-", Map.of());

    Pod stored = cluster.createPod(namespace, "web");

    assertThat(pullSecretNames(stored)).containsExactly("dockerhub-creds", "by-hand");
    assertThat(stored.getSpec().getContainers().getFirst().getImage()).isEqualTo("nginx:1.27");
  }

  @Test
  void copiesTheSourceIntoNewNamespacesAndFollowsItsChanges() {
    String namespace = cluster.namespace("team-", Map.of());
    String own = cluster.own();

    cluster.eventually(
        "dockerhub-creds copied into " + namespace,
        () -> assertThat(copy(namespace)).extracting(SyncFixture::content).isEqualTo("v1"));
    Secret copy = copy(namespace);
    assertThat(copy.getType()).isEqualTo(SyncFixture.PULL);
    assertThat(copy.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "pullsecret-webhook");
    assertThat(copy.getMetadata().getAnnotations())
        .containsEntry("pullsecret.dev/source", own + "/dockerhub-creds");

    cluster
        .admin()
        .secrets()
        .inNamespace(own)
        .withName("dockerhub-creds")
        .edit(
            source -> {
              source.setData(
                  SyncFixture.source(own, "dockerhub-creds", SyncFixture.PULL, "v2").getData());
              return source;
            });

    cluster.eventually(
        "the copy in " + namespace + " updated to the source's new content",
        () -> assertThat(copy(namespace)).extracting(SyncFixture::content).isEqualTo("v2"));
  }

  /**
   * The API server counts an Event's note in bytes (at most 1024): a note of 600 two-byte
   * characters (auths keys or a plugin's error in another script) was refused 422 and the Event
   * lost. It is cut to what the API server takes, and stored.
   */
  @Test
  void anEventWithANoteInAnotherScriptIsStored() {
    String namespace = cluster.namespace("notes-", Map.of());
    var events = new SyncEvents(cluster.admin(), "real-api-server-it", java.time.Clock.systemUTC());

    events.warning(
        new SyncEvents.Regarding("Secret", namespace, "creds"),
        SyncEvents.Reason.SourceInvalid,
        "auths key \"bücher.example\": " + "é".repeat(600));

    var stored = cluster.admin().events().v1().events().inNamespace(namespace).list().getItems();
    assertThat(stored)
        .singleElement()
        .satisfies(event -> assertThat(event.getNote()).startsWith("auths key").endsWith("..."));
  }

  @Test
  void leavesNamespacesNoRuleCoversAlone() {
    String uncovered = cluster.namespace("other-", Map.of());
    String covered = cluster.namespace("team-", Map.of());

    Pod stored = cluster.createPod(uncovered, "web");

    assertThat(pullSecretNames(stored)).isEmpty();
    // Created after the uncovered one: once its copy is there, the other's would have been.
    cluster.eventually(
        "dockerhub-creds copied into " + covered, () -> assertThat(copy(covered)).isNotNull());
    assertThat(copy(uncovered)).isNull();
  }

  /**
   * A pod whose annotations are just under the API server's bound (256 KiB of keys and values: a
   * large last-applied-configuration, say) is valid as sent. The explanation annotation would take
   * it over, and the API server refused the patched pod ("metadata.annotations: Too long"): the
   * webhook blocked a valid pod. It is now stored with its pull secrets, without the annotation.
   */
  @Test
  void storesAPodWhoseAnnotationsAreJustUnderTheApiServersBound() {
    String namespace = cluster.namespace("team-", Map.of());
    Pod pod = ClusterWebhook.pod("annotated");
    pod.getMetadata().setAnnotations(Map.of("big", "x".repeat(262_144 - "big".length() - 20)));

    Pod stored = cluster.admin().pods().inNamespace(namespace).resource(pod).create();

    assertThat(pullSecretNames(stored)).containsExactly("dockerhub-creds", "by-hand");
    assertThat(stored.getMetadata().getAnnotations())
        .containsOnlyKeys("big")
        .doesNotContainKey(Explanation.ANNOTATION);
  }

  /**
   * Re-invocation on the real API server: another webhook, called after this one, adds a container
   * with an untagged Docker Hub image; the API server calls this webhook again (IfNeeded), which
   * pins and mirrors the new container too, and the explanation keeps what the first call did (the
   * secret, the first container) beside it.
   */
  @Test
  void aContainerAddedByALaterWebhookIsRewrittenOnReinvocationAndExplained() {
    String namespace = cluster.namespace("big-", Map.of());
    HttpsServer adder =
        StubHttpsServer.start(
            cluster.files().certificates(), "/add", RealApiServerIT::addLateContainer);
    try (var later =
        cluster
            .kube()
            .registerMutatingWebhook(
                "zz-" + cluster.own(),
                "https://127.0.0.1:" + adder.getAddress().getPort() + "/add",
                PemFiles.toPem(cluster.files().certificates().caCertificate()),
                new LabelSelectorBuilder()
                    .addToMatchLabels("kubernetes.io/metadata.name", namespace)
                    .build(),
                "Fail")) {
      cluster.eventually(
          "the later webhook's container rewritten on re-invocation",
          () -> {
            Pod stored =
                cluster
                    .admin()
                    .pods()
                    .inNamespace(namespace)
                    .resource(ClusterWebhook.pod(cluster.kube().uniqueName("p")))
                    .create();
            assertThat(stored.getSpec().getContainers())
                .extracting(Container::getName, Container::getImage)
                .containsExactly(
                    tuple("web", "mirror.example.com/dockerhub/library/nginx:1.27"),
                    tuple("late", "mirror.example.com/dockerhub/library/busybox:1.27"));
            assertThat(stored.getMetadata().getAnnotations().get(Explanation.ANNOTATION))
                .contains("pullSecrets=mirror-creds; images=containers[0];")
                .contains("; then images=containers[1];");
          });
    } finally {
      adder.stop(0);
    }
  }

  /** A webhook that adds a container {@code late} running {@code busybox} to pods without one. */
  private static void addLateContainer(HttpExchange exchange) throws IOException {
    JsonNode request = Reviews.json(exchange.getRequestBody().readAllBytes()).path("request");
    var response =
        Reviews.JSON
            .createObjectNode()
            .put("uid", request.path("uid").asString())
            .put("allowed", true);
    boolean present = false;
    for (JsonNode container : request.path("object").path("spec").path("containers")) {
      present |= "late".equals(container.path("name").asString());
    }
    if (!present) {
      String patch =
          "[{\"op\":\"add\",\"path\":\"/spec/containers/-\",\"value\":{\"name\":\"late\","
              + "\"image\":\"busybox\"}}]";
      response
          .put("patchType", "JSONPatch")
          .put("patch", Base64.getEncoder().encodeToString(patch.getBytes(StandardCharsets.UTF_8)));
    }
    var review = Reviews.JSON.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    review.set("response", response);
    byte[] body = Reviews.JSON.writeValueAsBytes(review);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (var out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /**
   * One of the largest answers the webhook gives (a pod of as many containers and init containers
   * as it takes, 256 each, all pinned, mirrored and set to IfNotPresent: a patch of about 400 KB,
   * with bounded warnings and annotations) is taken by the API server, which applies it and stores
   * the pod with every container rewritten.
   */
  @Test
  void storesAPodOfManyContainersWithEveryImageRewritten() {
    String namespace = cluster.namespace("big-", Map.of());
    Pod pod = ClusterWebhook.pod("big");
    pod.getSpec().setContainers(containers("c-"));
    pod.getSpec().setInitContainers(containers("init-"));

    Pod stored = cluster.admin().pods().inNamespace(namespace).resource(pod).create();

    assertThat(pullSecretNames(stored)).containsExactly("mirror-creds");
    for (var list :
        List.of(stored.getSpec().getContainers(), stored.getSpec().getInitContainers())) {
      assertThat(list)
          .allSatisfy(c -> assertThat(c.getImagePullPolicy()).isEqualTo("IfNotPresent"))
          .extracting(Container::getImage)
          .containsExactlyElementsOf(
              IntStream.range(0, MOST_CONTAINERS)
                  .mapToObj(i -> "mirror.example.com/dockerhub/team/app-" + i + ":1.27")
                  .toList());
    }
  }

  /**
   * A review the webhook refuses (here, one container over its limit) is answered with a Kubernetes
   * Status, which the API server decodes: its message reaches the user (with failurePolicy Fail, as
   * registered here) and the API server's log, where a problem document gave "the server rejected
   * our request for an unknown reason".
   */
  @Test
  void aRefusedReviewsReasonReachesTheUser() {
    String namespace = cluster.namespace("big-", Map.of());
    Pod pod = ClusterWebhook.pod("too-big");
    pod.getSpec().setContainers(containers("c-", MOST_CONTAINERS + 1));

    assertThatThrownBy(() -> cluster.admin().pods().inNamespace(namespace).resource(pod).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("failed calling webhook")
        .hasMessageContaining(
            "more than 256 elements in a pod list (the webhook's limit) at"
                + " \"request.object.spec.containers[256]\"")
        .hasMessageNotContaining("unknown reason");
  }

  /** The most containers of one kind the webhook reads in a pod (admission/PodFields). */
  private static final int MOST_CONTAINERS = 256;

  private static List<Container> containers(String prefix) {
    return containers(prefix, MOST_CONTAINERS);
  }

  private static List<Container> containers(String prefix, int count) {
    return IntStream.range(0, count)
        .mapToObj(
            i ->
                new ContainerBuilder()
                    .withName(prefix + i)
                    .withImage("team/app-" + i)
                    .withImagePullPolicy("Always")
                    .build())
        .toList();
  }

  private Secret copy(String namespace) {
    return cluster.secret(namespace, "dockerhub-creds");
  }
}
