package dev.pullsecret.webhook.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.tls.issuing.PemFiles;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;

/**
 * The webhook as a cluster runs it, on the shared real API server ({@link KubeApiServer}): a
 * process of its own with delivery on, its own namespace (where the sources live), registered by
 * URL for the namespaces of this instance only (they carry a label naming it: the API server is
 * shared with other test classes), and called over TLS for every pod created through the API.
 */
public final class ClusterWebhook implements AutoCloseable {

  private static final String RUN_LABEL = "pullsecret.dev/test-run";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final KubeApiServer kube = KubeApiServer.shared();
  private final KubernetesClient admin = kube.adminClient();
  private final String own = kube.uniqueName("pullsecret-webhook-");
  private final TestServerFiles files = TestServerFiles.create("pullsecret-real-api");
  private WebhookProcess webhook;
  private KubeApiServer.Registration registration;

  /** Creates the webhook's namespace; sources go there before {@link #start}. */
  public ClusterWebhook() {
    createNamespace(own, Map.of());
  }

  /**
   * Starts the webhook on {@code rules} with {@code properties} added, registers it, and waits
   * until the API server calls it (a new registration takes about a second to apply): until a pod
   * in a new namespace named {@code probe} and a number comes back with pull secrets.
   */
  public ClusterWebhook start(byte[] rules, Map<String, String> properties, String probe)
      throws InterruptedException {
    return start(
        rules,
        properties,
        probe,
        kube.writeKubeconfig(KubeApiServer.ADMIN, files.dir().resolve("kubeconfig")));
  }

  /** As {@link #start(byte[], Map, String)}, calling the API server as {@code kubeconfig} says. */
  public ClusterWebhook start(
      byte[] rules, Map<String, String> properties, String probe, Path kubeconfig)
      throws InterruptedException {
    files.writeRules(rules);
    var all = new HashMap<>(properties);
    all.put("webhook.sync.enabled", "true");
    all.put("webhook.sync.namespace", own);
    webhook =
        WebhookProcess.start(files, all, Map.of("KUBECONFIG", kubeconfig.toString()))
            .awaitReady(Duration.ofSeconds(90));
    registration =
        kube.registerMutatingWebhook(
            own,
            "https://127.0.0.1:" + webhook.port() + "/mutate",
            PemFiles.toPem(files.certificates().caCertificate()),
            new LabelSelectorBuilder().addToMatchLabels(RUN_LABEL, own).build(),
            "Fail");
    String probed = namespace(probe, Map.of());
    eventually(
        "the API server calls the webhook for a dry-run create",
        () ->
            assertThat(admin.pods().inNamespace(probed).resource(pod("probe")).dryRun().create())
                .extracting(ClusterWebhook::pullSecretNames)
                .asList()
                .isNotEmpty());
    return this;
  }

  public KubeApiServer kube() {
    return kube;
  }

  public KubernetesClient admin() {
    return admin;
  }

  /** The webhook's own namespace: the sources' default, never acted in. */
  public String own() {
    return own;
  }

  public WebhookProcess process() {
    return webhook;
  }

  /** The files the webhook reads: a new rules file is picked up within seconds. */
  public TestServerFiles files() {
    return files;
  }

  /** A file for this webhook's use (a kubeconfig, say). */
  public Path file(String name) {
    return files.dir().resolve(name);
  }

  /** What the webhook's management port serves at {@code /actuator/prometheus}. */
  public String scrape() throws IOException, InterruptedException {
    try (var http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + webhook.managementPort() + "/actuator/prometheus"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  /**
   * A new namespace named {@code prefix} and a number, with {@code labels}, that this webhook is
   * called for.
   */
  public String namespace(String prefix, Map<String, String> labels) {
    String name = kube.uniqueName(prefix);
    var all = new HashMap<>(labels);
    all.put(RUN_LABEL, own);
    createNamespace(name, all);
    return name;
  }

  private void createNamespace(String name, Map<String, String> labels) {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
  }

  /** Sets (or, with a null value, removes) a label of {@code namespace}. */
  public void label(String namespace, String key, String value) {
    admin
        .namespaces()
        .withName(namespace)
        .edit(
            n -> {
              if (value == null) {
                n.getMetadata().getLabels().remove(key);
              } else {
                n.getMetadata().getLabels().put(key, value);
              }
              return n;
            });
  }

  /** Creates pod {@code name} (one nginx container) and returns it as the API server stored it. */
  public Pod createPod(String namespace, String name) {
    return admin.pods().inNamespace(namespace).resource(pod(name)).create();
  }

  public Secret secret(String namespace, String name) {
    return admin.secrets().inNamespace(namespace).withName(name).get();
  }

  public static Pod pod(String name) {
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

  public static List<String> pullSecretNames(Pod pod) {
    return pod.getSpec().getImagePullSecrets().stream().map(LocalObjectReference::getName).toList();
  }

  /**
   * Awaits {@code assertion}, through failed requests too; on time-out, fails with its last
   * failure, the webhook's log and where the API server's is.
   */
  public void eventually(String what, ThrowingRunnable assertion) {
    eventually(what, WAIT, assertion);
  }

  public void eventually(String what, Duration within, ThrowingRunnable assertion) {
    var last = new AtomicReference<Throwable>();
    try {
      await()
          .atMost(within)
          .pollInterval(Duration.ofMillis(50))
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
              + within
              + ": "
              + what
              + "\nAPI server log: "
              + kube.log()
              + "\nwebhook log:\n"
              + (webhook == null ? "(not started)" : webhook.log()),
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

  @Override
  public void close() {
    if (registration != null) {
      registration.close();
    }
    if (webhook != null) {
      webhook.close();
    }
    admin.close();
  }
}
