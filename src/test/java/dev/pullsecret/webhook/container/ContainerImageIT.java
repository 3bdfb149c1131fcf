package dev.pullsecret.webhook.container;

import static dev.pullsecret.webhook.testing.Reviews.applyPatch;
import static dev.pullsecret.webhook.testing.Reviews.json;
import static dev.pullsecret.webhook.testing.Reviews.pod;
import static dev.pullsecret.webhook.testing.Reviews.pullSecretNames;
import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TrustingClients;
import dev.pullsecret.webhook.tls.issuing.CertificateGenerator;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.CertificateSpec;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The container image built from the Dockerfile, run as the chart runs it (non-root, read-only root
 * file system, no capabilities, /tmp on tmpfs) with certificates from the certs API and a rules
 * file, and called over TLS by a client that trusts only the generated CA.
 *
 * <p>Needs a container engine and the image {@value #IMAGE}: {@code .ci/run} prepares both through
 * {@code .ci/container-engine.sh}. Without them the test is skipped and says why.
 */
class ContainerImageIT {

  static final String IMAGE = "localhost/pullsecret-webhook:ci";
  static final String OWN_NAMESPACE = "team-webhook";

  /** Installing podman and making the base image on a fresh machine, beside the tests. */
  static final Duration ENGINE_AT_MOST = Duration.ofMinutes(10);

  static final String RECORDED = "admission/cases/recorded-01-create-plain-pod.review.json";

  @TempDir static Path dir;

  static GenericContainer<?> container;
  static CertificateSet certs;
  static int port;
  static int managementPort;
  static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    assumeContainerEngineAndImage();
    certs =
        CertificateGenerator.generate(
            new CertificateSpec(
                "pullsecret-webhook",
                "pullsecret-webhook",
                List.of("localhost"),
                List.of(),
                Duration.ofDays(1),
                KeyAlgorithm.ECDSA_P256),
            Clock.systemUTC());
    PemFiles.write(certs, dir.resolve("tls"), false);
    Files.write(dir.resolve("rules.yaml"), resource("rules/test-rules.yaml"));
    client = TrustingClients.httpClientTrusting(certs.caCertificate());
    // Host networking keeps traffic on 127.0.0.1 (no port mapping through podman); free ports,
    // not the defaults, so the test never collides with a webhook running on this machine.
    port = freePort();
    managementPort = freePort();

    container =
        new GenericContainer<>(DockerImageName.parse(IMAGE))
            .withImagePullPolicy(image -> false)
            .withNetworkMode("host")
            .withCommand("--server.port=" + port, "--management.server.port=" + managementPort)
            .withEnv("POD_NAMESPACE", OWN_NAMESPACE)
            // Copied files belong to root; the key is made readable to the image's user here as
            // the chart does with defaultMode 0440 and fsGroup.
            .withCopyFileToContainer(
                MountableFile.forHostPath(dir.resolve("tls/tls.crt"), 0444),
                "/etc/pullsecret-webhook/tls/tls.crt")
            .withCopyFileToContainer(
                MountableFile.forHostPath(dir.resolve("tls/tls.key"), 0444),
                "/etc/pullsecret-webhook/tls/tls.key")
            .withCopyFileToContainer(
                MountableFile.forHostPath(dir.resolve("rules.yaml"), 0444),
                "/etc/pullsecret-webhook/rules/rules.yaml")
            // The chart's securityContext, so the image is proven to run under it.
            .withCreateContainerCmdModifier(
                cmd ->
                    cmd.getHostConfig()
                        .withReadonlyRootfs(true)
                        .withCapDrop(Capability.ALL)
                        .withSecurityOpts(List.of("no-new-privileges"))
                        .withTmpFs(Map.of("/tmp", "rw,size=64m")));
    container.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(() -> management("/actuator/health/readiness").statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    if (container != null && container.getContainerId() != null) {
      // A graceful stop first: a plain kill through podman sometimes takes 20 s.
      container
          .getDockerClient()
          .stopContainerCmd(container.getContainerId())
          .withTimeout(5)
          .exec();
      container.stop();
    }
  }

  @Test
  void reportsReadyAndLiveOnTheManagementPort() throws Exception {
    HttpResponse<String> readiness = management("/actuator/health/readiness");
    HttpResponse<String> liveness = management("/actuator/health/liveness");

    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(json(readiness.body().getBytes()).path("status").asString()).isEqualTo("UP");
    assertThat(liveness.statusCode()).isEqualTo(200);
  }

  @Test
  void injectsThePullSecretOverTlsTrustedThroughTheGeneratedCaOnly() throws Exception {
    byte[] review = resource(RECORDED);

    HttpResponse<byte[]> response = admit(review);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = json(response.body());
    assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
    JsonNode patched = applyPatch(json(review).at("/request/object"), answer);
    assertThat(pullSecretNames(pod(patched))).containsExactly("injected-pull-secret");
  }

  @Test
  void leavesItsOwnNamespaceAloneThroughPodNamespace() throws Exception {
    // test-rules.yaml gives every team-* namespace secrets; POD_NAMESPACE makes team-webhook the
    // webhook's own, which it must skip.
    byte[] own = inNamespace(resource(RECORDED), OWN_NAMESPACE);
    byte[] other = inNamespace(resource(RECORDED), "team-other");

    JsonNode ownAnswer = json(admit(own).body());
    JsonNode otherAnswer = json(admit(other).body());

    assertThat(ownAnswer.at("/response/allowed").asBoolean()).isTrue();
    assertThat(ownAnswer.at("/response/patch").isMissingNode()).isTrue();
    assertThat(otherAnswer.at("/response/patch").isMissingNode()).isFalse();
  }

  @Test
  void runsAsTheNumericNonRootUserWithContainerSizedJvmFlags() {
    var config = container.getDockerClient().inspectImageCmd(IMAGE).exec().getConfig();

    assertThat(config.getUser()).isEqualTo("65532:65532");
    assertThat(config.getEnv())
        .anySatisfy(
            env ->
                assertThat(env)
                    .startsWith("JAVA_TOOL_OPTIONS=")
                    .contains("-Xmx160m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"));
    assertThat(config.getHealthcheck()).isNull();
    assertThat(container.getLogs()).contains("Picked up JAVA_TOOL_OPTIONS");
  }

  @Test
  void startsFromTheAotCacheTrainedAtBuildTime() throws Exception {
    var config = container.getDockerClient().inspectImageCmd(IMAGE).exec().getConfig();

    Long cacheSize =
        container.copyFileFromContainer(
            "/app/app.aot", in -> in.transferTo(java.io.OutputStream.nullOutputStream()));

    assertThat(config.getEntrypoint()).contains("-XX:AOTCache=/app/app.aot");
    assertThat(cacheSize).isGreaterThan(1_000_000L);
    assertThat(container.getLogs()).doesNotContain("][aot]");
  }

  @Test
  void runsOnTheBeanWiringGeneratedAtBuildTime() {
    var config = container.getDockerClient().inspectImageCmd(IMAGE).exec().getConfig();

    assertThat(config.getEntrypoint()).contains("-Dspring.aot.enabled=true");
    assertThat(container.getLogs()).contains("Starting AOT-processed PullSecretWebhookApplication");
  }

  private static HttpResponse<byte[]> admit(byte[] review) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/mutate?timeout=5s"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(BodyPublishers.ofByteArray(review))
            .build(),
        BodyHandlers.ofByteArray());
  }

  private static HttpResponse<String> management(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            BodyHandlers.ofString());
  }

  private static byte[] inNamespace(byte[] review, String namespace) {
    ObjectNode copy = (ObjectNode) json(review);
    ((ObjectNode) copy.get("request")).put("namespace", namespace);
    ((ObjectNode) copy.at("/request/object/metadata")).put("namespace", namespace);
    return Reviews.JSON.writeValueAsBytes(copy);
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Skips (with the reason in the report and the log) when there is nothing to run the image. When
   * {@code .ci/run} makes the engine and the image in the background, waits for its status file.
   */
  private static void assumeContainerEngineAndImage() throws IOException {
    String status = System.getenv("CONTAINER_ENGINE_STATUS");
    if (status != null) {
      Path file = Path.of(status);
      await()
          .atMost(ENGINE_AT_MOST)
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> Files.exists(file));
      String said = Files.readString(file).strip();
      skipUnless(said.equals("ready"), said);
    }
    String dockerHost = System.getenv("DOCKER_HOST");
    skipUnless(
        dockerHost != null && !dockerHost.isBlank(),
        "DOCKER_HOST is not set; `source .ci/container-engine.sh && container_engine_up` sets it");
    skipUnless(
        DockerClientFactory.instance().isDockerAvailable(),
        "no container engine answers at " + dockerHost);
    try {
      DockerClientFactory.instance().client().inspectImageCmd(IMAGE).exec();
    } catch (NotFoundException e) {
      skipUnless(false, "image " + IMAGE + " is not built; .ci/container-engine.sh builds it");
    }
  }

  private static void skipUnless(boolean condition, String reason) {
    if (!condition) {
      System.out.println("ContainerImageIT skipped: " + reason);
    }
    Assumptions.assumeTrue(condition, reason);
  }
}
