package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.testing.KubeApiServer;
import dev.pullsecret.webhook.testing.RequiresKubeApiServer;
import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.WebhookProcess;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole path as a cluster drives it: the webhook as a process of its own, registered by URL
 * with a real API server ({@link KubeApiServer}), which calls it over TLS for every pod created
 * through it and stores what the patch made; and the sync loop, on a kubeconfig, copying the source
 * Secret of {@code delivery/rules.yaml} into the namespaces the rules cover. A Failsafe test.
 */
@RequiresKubeApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealApiServerIT {

  private static final String RUN_LABEL = "pullsecret.dev/test-run";
  private static final Duration WAIT = Duration.ofSeconds(20);

  KubeApiServer kube;
  KubernetesClient admin;
  TestServerFiles files;
  WebhookProcess webhook;
  KubeApiServer.Registration registration;
  String own;

  @BeforeAll
  void start() throws InterruptedException {
    kube = KubeApiServer.shared();
    admin = kube.adminClient();
    own = kube.uniqueName("pullsecret-webhook-");
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(own).endMetadata().build())
        .create();
    admin
        .secrets()
        .inNamespace(own)
        .resource(SyncFixture.source(own, "dockerhub-creds", SyncFixture.PULL, "v1"))
        .create();

    files = TestServerFiles.create("pullsecret-real-api");
    files.writeRules(resource("delivery/rules.yaml"));
    var kubeconfig = kube.writeKubeconfig(KubeApiServer.ADMIN, files.dir().resolve("kubeconfig"));
    webhook =
        WebhookProcess.start(
                files,
                Map.of("webhook.sync.enabled", "true", "webhook.sync.namespace", own),
                Map.of("KUBECONFIG", kubeconfig.toString()))
            .awaitReady(Duration.ofSeconds(90));

    // Only the namespaces of this class: the API server is shared with other tests.
    registration =
        kube.registerMutatingWebhook(
            own,
            "https://127.0.0.1:" + webhook.port() + "/mutate",
            PemFiles.toPem(files.certificates().caCertificate()),
            new LabelSelectorBuilder().addToMatchLabels(RUN_LABEL, own).build(),
            "Fail");
    // The API server takes the configuration up asynchronously: until then pods pass unchanged.
    String probe = namespace("team-probe-");
    eventually(
        "the API server calls the webhook for a dry-run create",
        () -> {
          Pod probed = admin.pods().inNamespace(probe).resource(pod("probe")).dryRun().create();
          assertThat(pullSecretNames(probed)).isNotEmpty();
        });
  }

  @AfterAll
  void stop() {
    if (registration != null) {
      registration.close();
    }
    if (webhook != null) {
      webhook.close();
    }
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void storesPodsWithThePullSecretsOfTheirRule() {
    String namespace = namespace("team-");

    admin.pods().inNamespace(namespace).resource(pod("web")).create();

    Pod stored = admin.pods().inNamespace(namespace).withName("web").get();
    assertThat(pullSecretNames(stored)).containsExactly("dockerhub-creds", "by-hand");
    assertThat(stored.getSpec().getContainers().getFirst().getImage()).isEqualTo("nginx:1.27");
  }

  @Test
  void copiesTheSourceIntoNewNamespacesAndFollowsItsChanges() {
    String namespace = namespace("team-");

    eventually(
        "dockerhub-creds copied into " + namespace,
        () -> assertThat(copy(namespace)).extracting(SyncFixture::content).isEqualTo("v1"));
    Secret copy = copy(namespace);
    assertThat(copy.getType()).isEqualTo(SyncFixture.PULL);
    assertThat(copy.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "pullsecret-webhook");
    assertThat(copy.getMetadata().getAnnotations())
        .containsEntry("pullsecret.dev/source", own + "/dockerhub-creds");

    admin
        .secrets()
        .inNamespace(own)
        .withName("dockerhub-creds")
        .edit(
            source -> {
              source.setData(
                  SyncFixture.source(own, "dockerhub-creds", SyncFixture.PULL, "v2").getData());
              return source;
            });

    eventually(
        "the copy in " + namespace + " updated to the source's new content",
        () -> assertThat(copy(namespace)).extracting(SyncFixture::content).isEqualTo("v2"));
  }

  @Test
  void leavesNamespacesNoRuleCoversAlone() {
    String uncovered = namespace("other-");
    String covered = namespace("team-");

    admin.pods().inNamespace(uncovered).resource(pod("web")).create();

    assertThat(pullSecretNames(admin.pods().inNamespace(uncovered).withName("web").get()))
        .isEmpty();
    // Created after the uncovered one: once its copy is there, the other's would have been.
    eventually(
        "dockerhub-creds copied into " + covered, () -> assertThat(copy(covered)).isNotNull());
    assertThat(copy(uncovered)).isNull();
  }

  /** A new namespace of this class's, selected by its webhook registration. */
  private String namespace(String prefix) {
    String name = kube.uniqueName(prefix);
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels(RUN_LABEL, own)
                .endMetadata()
                .build())
        .create();
    return name;
  }

  private Secret copy(String namespace) {
    return admin.secrets().inNamespace(namespace).withName("dockerhub-creds").get();
  }

  private static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("web")
        .withImage("nginx:1.27")
        .endContainer()
        .endSpec()
        .build();
  }

  private static List<String> pullSecretNames(Pod pod) {
    return pod.getSpec().getImagePullSecrets().stream().map(LocalObjectReference::getName).toList();
  }

  /**
   * Awaits {@code assertion}, through failed requests too; on time-out, fails with its last
   * failure, the webhook's log and where the API server's is.
   */
  private void eventually(String what, ThrowingRunnable assertion) {
    var last = new java.util.concurrent.atomic.AtomicReference<Throwable>();
    try {
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                try {
                  assertion.run();
                } catch (Throwable failure) {
                  if (!interrupted(failure)) { // Awaitility interrupts the last try at time-out
                    last.set(failure);
                  }
                  throw failure;
                }
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "not within "
              + WAIT
              + ": "
              + what
              + "\nAPI server log: "
              + kube.log()
              + "\nwebhook log:\n"
              + webhook.log(),
          last.get() != null ? last.get() : e);
    }
  }

  private static boolean interrupted(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException) {
        return true;
      }
    }
    return false;
  }
}
