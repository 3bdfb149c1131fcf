package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import dev.pullsecret.webhook.testing.WallClock;
import dev.pullsecret.webhook.testing.WebhookProcess;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The packaged jar on the wiring Spring's AOT processing generated at build time, started as the
 * image starts it ({@code -Dspring.aot.enabled=true}, the image's JVM flags). In that mode bean
 * conditions were settled by the build's properties, so this checks that what a pod switches at run
 * time is still switched: delivery, credential providers and the rules ConfigMap watch (on in the
 * chart, off in the build), the warm-ups, and the management port's connection sweep, which the
 * management context imports on its own. A Failsafe test: it needs the jar that {@code package}
 * builds.
 */
@WallClock
class AotWiringIT {

  private static final String PLAIN = "admission/cases/recorded-01-create-plain-pod.review.json";

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class DeliveryOn {

    /**
     * Delivery of a Secret's copies, and of what a credential-provider plugin gave: providers are
     * switched by {@code webhook.credential-providers.config}, which the build never sets, so their
     * registrar must still run at start-up on the generated wiring.
     */
    static final String RULES =
        """
        pullSecrets:
          - {name: dockerhub-creds, registries: [docker.io], source: dockerhub-creds}
          - {name: stub-creds, provider: stub-provider, registries: ["registry.test:5000"]}
        rules:
          - {name: teams, namespaces: ["team-*"], pullSecrets: [dockerhub-creds, stub-creds]}
        """;

    final FaultyApiServer server = new FaultyApiServer();
    final KubernetesClient admin = server.newClient();
    final TestServerFiles files = TestServerFiles.create("pullsecret-aot-on");
    final Path classesLoaded = files.dir().resolve("classes-loaded.log");
    WebhookProcess webhook;

    @BeforeAll
    void start() throws Exception {
      files.writeRules(RULES.getBytes(StandardCharsets.UTF_8));
      var stub =
          dev.pullsecret.webhook.testing.StubCredentialProvider.install(
              files.dir().resolve("bin"), "stub-provider");
      Path config = files.dir().resolve("credential-providers.yaml");
      Files.writeString(config, stub.config("registry.test:5000", "1h", Map.of()));
      admin
          .secrets()
          .inNamespace("pullsecret-webhook")
          .resource(
              SyncFixture.source(
                  "pullsecret-webhook", "dockerhub-creds", "kubernetes.io/dockerconfigjson", "v1"))
          .create();
      webhook =
          WebhookProcess.startPackagedJar(
                  files,
                  Map.of(
                      "webhook.warm-up", "true",
                      "webhook.sync.enabled", "true",
                      "webhook.sync.namespace", "pullsecret-webhook",
                      "webhook.sync.rules-config-map", "rules",
                      "webhook.credential-providers.config", config.toString(),
                      "webhook.credential-providers.bin-dir", stub.binDir().toString()),
                  List.of(
                      "-Xlog:class+load=info:file=" + classesLoaded,
                      "-Dkubernetes.master=" + admin.getConfiguration().getMasterUrl(),
                      "-Dkubernetes.auth.tryKubeConfig=false",
                      "-Dkubernetes.auth.tryServiceAccount=false"))
              .awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    void stop() {
      if (webhook != null) {
        webhook.close();
      }
      server.close();
    }

    @Test
    void runsOnTheGeneratedWiringWithTheWarmUps() {
      assertThat(webhook.log())
          .contains("Starting AOT-processed PullSecretWebhookApplication")
          .contains("Warmed up the admission path")
          .contains("Warmed up HTTPS");
    }

    @Test
    void deliversCopiesIntoNewNamespaces() {
      SyncFixture.createNamespaceAndAwaitCopy(
          admin, "team-a", "dockerhub-creds", Duration.ofSeconds(20));
    }

    /**
     * The client does not scan the class path for every Kubernetes type (~650 model classes of API
     * groups the sync never reads); the typed operations and watches read their own types.
     */
    @Test
    void loadsTheModelsOfTheTypesItReadsOnly() throws Exception {
      SyncFixture.createNamespaceAndAwaitCopy(
          admin, "team-models", "dockerhub-creds", Duration.ofSeconds(20));
      assertThat(Files.readString(classesLoaded))
          .contains("io.fabric8.kubernetes.api.model.Namespace ")
          .contains("io.fabric8.kubernetes.api.model.coordination.v1.Lease ")
          .doesNotContain("io.fabric8.kubernetes.api.model.gatewayapi")
          .doesNotContain("io.fabric8.kubernetes.api.model.flowcontrol")
          .doesNotContain("io.fabric8.kubernetes.api.model.storage.");
    }

    @Test
    void takesRulesFromTheConfigMap() {
      String rules = RULES.replace("name: teams", "name: teams-from-config-map");
      admin
          .configMaps()
          .inNamespace("pullsecret-webhook")
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("rules")
                  .endMetadata()
                  .addToData("rules.yaml", rules)
                  .build())
          .create();

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> webhook.log().contains("in force from configmap pullsecret-webhook/rules"));
    }

    @Test
    void cutsOffSlowClientsOfTheManagementPort() throws IOException {
      assertThat(secondsHeldByTrickle(webhook.managementPort(), SLOW_HEAD, Duration.ofSeconds(10)))
          .as("seconds a client sending a header byte every 300 ms held the management port")
          .isLessThan(6);
    }

    @Test
    void runsThePluginAndDeliversWhatItGave() {
      SyncFixture.createNamespaceAndAwaitCopy(
          admin, "team-plugin", "stub-creds", Duration.ofSeconds(30));
      assertThat(webhook.log()).contains("Starting AOT-processed PullSecretWebhookApplication");
      assertThat(admin.secrets().inNamespace(SyncFixture.OWN).withName("stub-creds-provider").get())
          .isNotNull();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class DeliveryOff {

    final TestServerFiles files = TestServerFiles.create("pullsecret-aot-off");
    final Path classesLoaded = files.dir().resolve("classes-loaded.log");
    WebhookProcess webhook;

    @BeforeAll
    void start() throws InterruptedException {
      webhook =
          WebhookProcess.startPackagedJar(
                  files,
                  Map.of("webhook.warm-up", "false", "webhook.read-deadline", "2s"),
                  List.of("-Xlog:class+load=info:file=" + classesLoaded))
              .awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    void stop() {
      if (webhook != null) {
        webhook.close();
      }
    }

    @Test
    void startsNeitherTheSyncLoopNorTheWarmUps() {
      assertThat(webhook.log())
          .contains("Starting AOT-processed PullSecretWebhookApplication")
          .doesNotContain("Warmed up")
          .doesNotContain("sync loop");
    }

    /** The admission port's own bounds are wired too: the read deadline's sweep, the size limit. */
    @Test
    void cutsOffSlowHandshakesAndRefusesOversizedReviews() throws Exception {
      assertThat(secondsHeldByTrickle(webhook.port(), SLOW_HANDSHAKE, Duration.ofSeconds(10)))
          .as("seconds a TLS handshake sent a byte every 300 ms held the admission port")
          .isLessThan(6);
      try (var connection =
          TlsHttpConnection.open(
              files.sslContext(), TestServerFiles.SERVICE_HOST, webhook.port())) {
        // The head alone, announcing 5 MiB: the 413 comes before any of the body is sent.
        connection.send(connection.postHead("/mutate", 5 * 1024 * 1024));
        assertThat(connection.readResponse().status()).isEqualTo(413);
      }
    }

    /**
     * BouncyCastle's jars are signed: one class loaded from them keeps a manifest entry and a
     * digest per class on the heap for good (~5 MB). The server reads PEM with Spring Boot's
     * parser; only the certs command and the local run's generated certificates use BouncyCastle.
     */
    @Test
    void loadsNoBouncyCastleClass() throws Exception {
      answersReviewsWithAPatch(); // and a review answered: nothing on that path either
      assertThat(Files.readString(classesLoaded))
          .contains("java.lang.Object")
          .doesNotContain("org.bouncycastle");
    }

    /**
     * Nothing binds the platform MBean server (Tomcat's session metrics did: JMX and JFR's classes
     * at start-up), and commons-logging goes to SLF4J without probing the Log4j API.
     */
    @Test
    void startsNeitherJmxNorTheLog4jApi() throws Exception {
      answersReviewsWithAPatch();
      assertThat(Files.readString(classesLoaded))
          .contains("java.lang.Object")
          .doesNotContain("com.sun.jmx.mbeanserver.JmxMBeanServer ")
          .doesNotContain("jdk.jfr.FlightRecorder ")
          .doesNotContain("org.apache.logging.log4j");
    }

    /**
     * No digest is pinned here: the registry client's HTTP client (a selector thread, ~200 classes)
     * and the JDK's CAs are made on the first lookup, not at start-up.
     */
    @Test
    void makesNoHttpClientUntilADigestIsLookedUp() throws Exception {
      answersReviewsWithAPatch();
      assertThat(Files.readString(classesLoaded))
          .contains("java.lang.Object")
          .doesNotContain("jdk.internal.net.http.HttpClientImpl ");
    }

    @Test
    void answersReviewsWithAPatch() throws Exception {
      try (var connection =
          TlsHttpConnection.open(
              files.sslContext(), TestServerFiles.SERVICE_HOST, webhook.port())) {
        var answer = connection.post("/mutate", resource(PLAIN));
        assertThat(answer.status()).isEqualTo(200);
        var pod =
            Reviews.pod(
                Reviews.applyPatch(
                    Reviews.json(resource(PLAIN)).at("/request/object"),
                    Reviews.json(answer.body())));
        assertThat(Reviews.pullSecretNames(pod)).isNotEmpty();
      }
    }
  }

  /** A request head for the management port, sent a byte at a time. */
  private static final byte[] SLOW_HEAD =
      "GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
          .getBytes(StandardCharsets.US_ASCII);

  /**
   * The header of a TLS handshake record announcing 16 KiB, for the admission port: the server
   * waits for the rest of the record, which comes a byte at a time.
   */
  private static final byte[] SLOW_HANDSHAKE = {0x16, 0x03, 0x01, 0x40, 0x00, 0x01};

  /**
   * How long a client that sends {@code prefix} a byte every 300 ms (then its last byte over and
   * over) keeps its connection, up to {@code limit}: the sweep cuts it off at its deadline, where
   * Tomcat's own time-out, reset by every byte, never would.
   */
  private static long secondsHeldByTrickle(int port, byte[] prefix, Duration limit)
      throws IOException {
    long start = System.nanoTime();
    try (var socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
      socket.setSoTimeout(300);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      for (int i = 0; System.nanoTime() - start < limit.toNanos(); i++) {
        try {
          out.write(prefix[Math.min(i, prefix.length - 1)]);
          out.flush();
          if (in.read() < 0) {
            break; // closed by the server
          }
        } catch (SocketTimeoutException e) {
          continue; // still open: nothing to read yet
        } catch (IOException e) {
          break; // reset by the server
        }
      }
    }
    return Duration.ofNanos(System.nanoTime() - start).toSeconds();
  }
}
