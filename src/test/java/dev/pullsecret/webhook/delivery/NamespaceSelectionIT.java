package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.testing.ClusterWebhook.pullSecretNames;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.testing.ClusterWebhook;
import dev.pullsecret.webhook.testing.RequiresKubeApiServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Namespaces chosen by label, and the one opt-out, on a real API server: a rule with a
 * namespaceSelector gives its secrets to pods and its copies to namespaces by their labels, a
 * relabel moves the copies, and the namespaces left out (skipped: the control plane's, always, the
 * webhook's own, an excluded one; opted out by label) never receive a copy, even under {@code
 * namespaces: ["*"]}. The registration does not exclude opted-out namespaces here, so the webhook
 * itself must leave their pods alone.
 */
@RequiresKubeApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NamespaceSelectionIT {

  private static final String OPT_OUT = "pullsecret.dev/inject";
  private static final Map<String, String> PAYMENTS = Map.of("team", "payments");

  private static final String RULES =
      """
      pullSecrets:
        - {name: hub-creds, source: hub-creds}
        - {name: payments-creds, source: payments-creds}
      rules:
        - name: everyone
          namespaces: ["*"]
          pullSecrets: [hub-creds]
        - name: payments
          namespaceSelector: {matchLabels: {team: payments}}
          pullSecrets: [hub-creds, payments-creds]
      """;

  ClusterWebhook cluster;
  String excluded;

  @BeforeAll
  void start() throws InterruptedException {
    cluster = new ClusterWebhook();
    String own = cluster.own();
    for (String source : List.of("hub-creds", "payments-creds")) {
      cluster
          .admin()
          .secrets()
          .inNamespace(own)
          .resource(SyncFixture.source(own, source, SyncFixture.PULL, source + "-v1"))
          .create();
    }
    excluded = cluster.kube().uniqueName("excluded-");
    cluster.start(
        RULES.getBytes(StandardCharsets.UTF_8),
        Map.of("webhook.skip-namespaces", own + "," + excluded),
        "probe-");
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aLabelledNamespaceAndItsFirstPodCreatedAtOnceGetTheSelectorsSecrets() {
    String namespace = cluster.namespace("shop-", PAYMENTS);
    Pod first = cluster.createPod(namespace, "web");

    assertThat(pullSecretNames(first)).containsExactly("hub-creds", "payments-creds");
    assertThat(first.getMetadata().getAnnotations())
        .containsEntry(
            "pullsecret.dev/mutated",
            "rule=payments; match=labels team=payments; pullSecrets=hub-creds,payments-creds");
    cluster.eventually(
        "both copies in " + namespace,
        () -> {
          assertThat(copy(namespace, "hub-creds")).isNotNull();
          assertThat(copy(namespace, "payments-creds")).isNotNull();
        });
  }

  @Test
  void relabellingMovesTheCopiesAndTheNextPodsSecrets() {
    String namespace = cluster.namespace("shop-", Map.of());
    cluster.eventually(
        "hub-creds in " + namespace, () -> assertThat(copy(namespace, "hub-creds")).isNotNull());
    assertThat(copy(namespace, "payments-creds")).isNull();

    cluster.label(namespace, "team", "payments");

    cluster.eventually(
        "payments-creds copied within 2 s of the label",
        Duration.ofSeconds(2),
        () -> assertThat(copy(namespace, "payments-creds")).isNotNull());
    cluster.eventually(
        "the next pod gets the payments rule",
        () ->
            assertThat(pullSecretNames(cluster.createPod(namespace, "pod-" + System.nanoTime())))
                .contains("payments-creds"));

    cluster.label(namespace, "team", null);

    cluster.eventually(
        "payments-creds removed within 2 s of the label's removal",
        Duration.ofSeconds(2),
        () -> assertThat(copy(namespace, "payments-creds")).isNull());
    assertThat(copy(namespace, "hub-creds")).as("still wanted by everyone").isNotNull();
  }

  @Test
  void optingOutRemovesOurCopiesOnlyAndOptingBackInRestoresThem() {
    String namespace = cluster.namespace("shop-", PAYMENTS);
    cluster.eventually(
        "copies in " + namespace, () -> assertThat(copy(namespace, "payments-creds")).isNotNull());
    Secret theirs =
        cluster
            .admin()
            .secrets()
            .inNamespace(namespace)
            .resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("theirs")
                    .endMetadata()
                    .withStringData(Map.of("k", "v"))
                    .build())
            .create();

    cluster.label(namespace, OPT_OUT, "disabled");

    cluster.eventually(
        "our copies removed within 2 s of the opt-out",
        Duration.ofSeconds(2),
        () -> {
          assertThat(copy(namespace, "hub-creds")).isNull();
          assertThat(copy(namespace, "payments-creds")).isNull();
        });
    assertThat(cluster.secret(namespace, "theirs").getMetadata().getUid())
        .as("a Secret that is not ours is left alone")
        .isEqualTo(theirs.getMetadata().getUid());
    Pod optedOut = cluster.createPod(namespace, "opted-out");
    assertThat(pullSecretNames(optedOut)).as("admission changes nothing there").isEmpty();
    assertThat(optedOut.getMetadata().getAnnotations()).isNullOrEmpty();

    cluster.label(namespace, OPT_OUT, null);

    cluster.eventually(
        "copies back once the label is gone",
        () -> {
          assertThat(copy(namespace, "hub-creds")).isNotNull();
          assertThat(copy(namespace, "payments-creds")).isNotNull();
        });
  }

  @Test
  void namespacesLeftOutNeverReceiveACopyEvenUnderAStar() {
    String optedOut = cluster.namespace("quiet-", Map.of(OPT_OUT, "disabled"));
    cluster.admin().namespaces().resource(namespace(excluded)).create();
    String control = cluster.namespace("shop-", Map.of());
    cluster.eventually(
        "the control namespace got its copy",
        () -> assertThat(copy(control, "hub-creds")).isNotNull());

    // The webhook's own namespace holds the sources themselves, and no copy: as a source is never
    // its own copy, that says nothing of the scope, and is checked elsewhere (SecretSyncTest).
    for (String leftOut :
        List.of("kube-system", "kube-public", "kube-node-lease", excluded, optedOut)) {
      assertThat(cluster.admin().namespaces().withName(leftOut).get()).as(leftOut).isNotNull();
      assertThat(copy(leftOut, "hub-creds")).as(leftOut).isNull();
      assertThat(copy(leftOut, "payments-creds")).as(leftOut).isNull();
    }
    assertThat(pullSecretNames(cluster.createPod(optedOut, "web"))).isEmpty();
  }

  @Test
  void aHundredLabelledNamespacesWithAPodEachAreAllRight() {
    List<String> payments = new ArrayList<>();
    List<String> others = new ArrayList<>();
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      boolean pay = i % 2 == 0;
      String namespace = cluster.namespace("many-", pay ? PAYMENTS : Map.of("team", "other"));
      (pay ? payments : others).add(namespace);
      pods.add(cluster.createPod(namespace, "web"));
    }

    for (Pod pod : pods) {
      boolean pay = payments.contains(pod.getMetadata().getNamespace());
      assertThat(pullSecretNames(pod))
          .as(pod.getMetadata().getNamespace())
          .isEqualTo(pay ? List.of("hub-creds", "payments-creds") : List.of("hub-creds"));
    }
    cluster.eventually(
        "every copy of the 100 namespaces",
        Duration.ofSeconds(30),
        () -> {
          for (String namespace : payments) {
            assertThat(copy(namespace, "payments-creds")).as(namespace).isNotNull();
          }
          for (String namespace : others) {
            assertThat(copy(namespace, "hub-creds")).as(namespace).isNotNull();
            assertThat(copy(namespace, "payments-creds")).as(namespace).isNull();
          }
        });
  }

  private Secret copy(String namespace, String name) {
    return cluster.secret(namespace, name);
  }

  private static io.fabric8.kubernetes.api.model.Namespace namespace(String name) {
    return new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .build();
  }
}
