package dev.pullsecret.webhook.http;

import static dev.pullsecret.webhook.testing.Reviews.applyPatch;
import static dev.pullsecret.webhook.testing.Reviews.json;
import static dev.pullsecret.webhook.testing.Reviews.pod;
import static dev.pullsecret.webhook.testing.Reviews.pullSecretNames;
import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.http.tomcat.SweptHttp11NioProtocol;
import dev.pullsecret.webhook.testing.ConfigMapVolume;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import dev.pullsecret.webhook.testing.TrustingClients;
import dev.pullsecret.webhook.tls.issuing.CertificateGenerator;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.CertificateSpec;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole webhook, started on random ports, spoken to over real TLS by a client that trusts only
 * the CA made by the certificate tool and checks the host name, as the API server does.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhookServerTest {

  private static final Path DIR = tempDir();
  private static final CertificateSet CERTS =
      CertificateGenerator.generate(
          new CertificateSpec(
              "pullsecret-webhook",
              "pullsecret-webhook",
              List.of("localhost"),
              List.of("127.0.0.1"),
              Duration.ofDays(30),
              KeyAlgorithm.ECDSA_P256),
          Clock.systemUTC());
  private static final ConfigMapVolume RULES = new ConfigMapVolume(DIR.resolve("rules"));
  private static final byte[] TEST_RULES = resource("rules/test-rules.yaml");
  private static final String RECORDED = "admission/cases/recorded-01-create-plain-pod.review.json";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    PemFiles.write(CERTS, DIR.resolve("tls"), true);
    RULES.write("rules.yaml", TEST_RULES);
    registry.add("webhook.tls.cert-file", () -> DIR.resolve("tls/tls.crt").toString());
    registry.add("webhook.tls.key-file", () -> DIR.resolve("tls/tls.key").toString());
    registry.add("webhook.rules.file", () -> RULES.path("rules.yaml").toString());
    registry.add("webhook.rules.poll-interval", () -> "100ms");
    registry.add("management.server.port", () -> "0");
  }

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;
  @Autowired AdmissionMetrics metrics;
  @Autowired InFlightBudget budget;
  @Autowired WebServerApplicationContext server;

  private final HttpClient client = TrustingClients.httpClientTrusting(CERTS.caCertificate());

  @Nested
  class Admission {

    @Test
    void patchesRecordedReviewWithPullSecret() throws Exception {
      byte[] review = resource(RECORDED);

      HttpResponse<byte[]> response = post(review, "application/json");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
      JsonNode answer = json(response.body());
      assertThat(answer.at("/response/uid").asString())
          .isEqualTo("250cb760-f3ec-4b35-bbb3-7c72e66cc42e");
      assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
      assertThat(answer.at("/response/patchType").asString()).isEqualTo("JSONPatch");
      JsonNode patched = applyPatch(json(review).at("/request/object"), answer);
      assertThat(pullSecretNames(pod(patched))).containsExactly("injected-pull-secret");
    }

    /** Each review's reservation in the in-flight budget is given back once it is answered. */
    @Test
    void aReviewGivesItsReservationBackOnceAnswered() throws Exception {
      assertThat(post(resource(RECORDED), "application/json").statusCode()).isEqualTo(200);

      await().until(() -> budget.tryTake(budget.total(), false));
      budget.give(budget.total(), false);
    }

    /**
     * Also when the client is gone before its answer is read, and in the large share too, where a
     * large answer counts while written ({@link InFlightBudget#SMALL_ANSWER}).
     */
    @Test
    void aLargeAnswerLeftUnreadGivesItsReservationBackInBothShares() throws Exception {
      var review = (ObjectNode) json(resource(RECORDED));
      var request = (ObjectNode) review.get("request");
      request.put("namespace", "mirrored-a");
      ArrayNode containers = ((ObjectNode) request.at("/object/spec")).putArray("containers");
      for (int i = 0; i < 250; i++) {
        containers.addObject().put("name", "c" + i).put("image", "nginx:" + i);
      }
      byte[] body = review.toString().getBytes(StandardCharsets.UTF_8);
      assertThat(post(body, "application/json").body())
          .hasSizeGreaterThan(InFlightBudget.SMALL_ANSWER);

      var tls = TrustingClients.sslContextTrusting(CERTS.caCertificate());
      for (int i = 0; i < 5; i++) {
        try (var connection = TlsHttpConnection.open(tls, "localhost", port)) {
          connection.send(connection.postHead("/mutate", body.length));
          connection.send(body);
        } // closed before the answer is read
      }

      long largeShare = budget.total() - InFlightBudget.SMALL_REVIEW;
      await().until(() -> budget.tryTake(budget.total(), false));
      budget.give(budget.total(), false);
      await().until(() -> budget.tryTake(largeShare, true));
      budget.give(largeShare, true);
    }

    @Test
    void rewritesImagesAndReportsItInWarningsAndAuditAnnotations() throws Exception {
      byte[] review =
          resource(
              "admission/cases/mirrored-namespace-pins-mirrors-and-redecides-pull-policy.review.json");

      JsonNode answer = json(post(review, "application/json").body());

      Pod patched = pod(applyPatch(json(review).at("/request/object"), answer));
      assertThat(patched.getSpec().getContainers().getFirst().getImage())
          .isEqualTo("mirror.example.com/dockerhub/library/nginx:1.27.3");
      assertThat(patched.getSpec().getContainers().getFirst().getImagePullPolicy())
          .isEqualTo("IfNotPresent");
      assertThat(pullSecretNames(patched)).containsExactly("mirror-creds");
      assertThat(answer.at("/response/warnings").valueStream().map(JsonNode::asString))
          .contains(
              "pullsecret-webhook: containers[0] (c0): image nginx ->"
                  + " mirror.example.com/dockerhub/library/nginx:1.27.3 (pinned untagged image to"
                  + " 1.27.3, mirror docker.io -> mirror.example.com/dockerhub)");
      assertThat(answer.at("/response/auditAnnotations/rule").asString()).isEqualTo("mirrored");
      assertThat(answer.at("/response/auditAnnotations/namespace").asString())
          .isEqualTo(json(review).at("/request/namespace").asString());
      assertThat(answer.at("/response/auditAnnotations/images").asString())
          .contains("containers[1] (c1): image bitnami/redis:latest");
      assertThat(answer.at("/response/auditAnnotations/pull-secrets").asString())
          .isEqualTo("mirror-creds");
    }

    @Test
    void answersTheQueryStringTheApiServerAdds() throws Exception {
      HttpResponse<byte[]> response =
          send(request("/mutate?timeout=5s").POST(BodyPublishers.ofByteArray(resource(RECORDED))));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(json(response.body()).at("/response/patch").isMissingNode()).isFalse();
    }

    @Test
    void returnsThePatchOnDryRunToo() throws Exception {
      HttpResponse<byte[]> response =
          postCase("admission/cases/recorded-03-create-dry-run.review.json");

      assertThat(json(response.body()).at("/response/patchType").asString()).isEqualTo("JSONPatch");
    }

    @Test
    void answersUpdateWithoutPatch() throws Exception {
      HttpResponse<byte[]> response =
          post(
              resource("admission/cases/recorded-06-update-label.review.json"),
              "application/json; charset=utf-8");

      JsonNode answer = json(response.body());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
      assertThat(answer.at("/response/patch").isMissingNode()).isTrue();
    }

    @Test
    void answersOtherKindsWithAWarning() throws Exception {
      HttpResponse<byte[]> response =
          postCase("admission/cases/other-kind-is-ignored-with-a-warning.review.json");

      JsonNode answer = json(response.body());
      assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
      assertThat(answer.at("/response/warnings/0").asString())
          .startsWith("pullsecret-webhook: ignored a ");
    }
  }

  @Nested
  class BadInput {

    @Test
    void refusesMalformedJsonWith400AndAReason() throws Exception {
      assertRefusedWith400("{\"kind\": ")
          .contains("not a JSON AdmissionReview")
          .doesNotContain("Exception");
    }

    @Test
    void refusesReviewWithoutUid() throws Exception {
      String body =
          "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}";

      assertRefusedWith400(body).contains("request.uid");
    }

    @Test
    void refusesV1beta1Reviews() throws Exception {
      String body =
          "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"x\"}}";

      assertRefusedWith400(body).contains("admissionReviewVersions");
    }

    @Test
    void refusesWrongContentTypeWith415() throws Exception {
      HttpResponse<byte[]> response = post(resource(RECORDED), "text/plain");

      assertThat(response.statusCode()).isEqualTo(415);
    }

    @Test
    void refusesOversizedBodyWith413BeforeReadingIt() throws Exception {
      byte[] huge = new byte[4 * 1024 * 1024 + 1];

      // With "Expect: 100-continue" the client waits for the server's verdict before uploading: a
      // 413 that arrives first proves the body was refused on its announced length, unread.
      HttpResponse<byte[]> response =
          send(request("/mutate").expectContinue(true).POST(BodyPublishers.ofByteArray(huge)));

      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(new String(response.body(), StandardCharsets.UTF_8))
          .contains("exceeds the limit of 4194304 bytes");
    }

    @Test
    void refusesEmptyBodyWith400() throws Exception {
      HttpResponse<byte[]> response = post(new byte[0], "application/json");

      assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void refusesGetWith405() throws Exception {
      HttpResponse<byte[]> response = send(request("/mutate").GET());

      assertThat(response.statusCode()).isEqualTo(405);
    }
  }

  @Nested
  class Transport {

    @Test
    void refusesClientsThatOnlySpeakTls11() throws Exception {
      var context = TrustingClients.sslContextTrusting(CERTS.caCertificate());
      try (var socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
        socket.setEnabledProtocols(new String[] {"TLSv1.1"});

        assertThatThrownBy(socket::startHandshake).isInstanceOf(IOException.class);
      }
    }

    @Test
    void negotiatesTls13() throws Exception {
      var context = TrustingClients.sslContextTrusting(CERTS.caCertificate());
      try (var socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
        socket.startHandshake();

        assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
      }
    }

    /**
     * A TLS 1.2 client that sends no session ticket extension has its session kept by the server
     * for resumption, a fresh one for each full handshake: with the JDK's defaults (Tomcat sets
     * none), 20,480 sessions of ~1 KB for 24 hours, ~20 MB of heap outside every bound, that any
     * client reaching the Service filled at a few hundred handshakes a second. Also after a
     * certificate reload, which gives Tomcat a new SSLHostConfig.
     */
    @Test
    void keepsFewTlsSessionsForResumption() throws Exception {
      var protocol =
          (SweptHttp11NioProtocol)
              ((TomcatWebServer) server.getWebServer())
                  .getTomcat()
                  .getConnector()
                  .getProtocolHandler();
      SSLSessionContext sessions =
          protocol
              .findSslHostConfigs()[0]
              .getCertificates()
              .iterator()
              .next()
              .getSslContext()
              .getServerSessionContext();

      assertThat(sessions.getSessionCacheSize()).isBetween(1, SweptHttp11NioProtocol.TLS_SESSIONS);
      var reloaded = new SSLHostConfig();
      new SweptHttp11NioProtocol().addSslHostConfig(reloaded, true);
      assertThat(reloaded.getSessionCacheSize()).isEqualTo(SweptHttp11NioProtocol.TLS_SESSIONS);
    }

    @Test
    void isNotTrustedByClientsWithoutTheCa() {
      HttpClient stranger = HttpClient.newHttpClient();

      assertThatThrownBy(
              () ->
                  stranger.send(
                      request("/mutate")
                          .POST(BodyPublishers.ofByteArray(resource(RECORDED)))
                          .build(),
                      BodyHandlers.ofByteArray()))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Nested
  class BenchmarkOnly {

    @Test
    void servesNoNoopEndpointUnlessTheBenchmarkEnablesIt() throws Exception {
      HttpResponse<byte[]> response =
          send(request("/noop").POST(BodyPublishers.ofByteArray(resource(RECORDED))));

      assertThat(response.statusCode()).isEqualTo(404);
    }
  }

  @Nested
  class Management {

    @Test
    void reportsReadinessOverPlainHttpOnItsOwnPort() throws Exception {
      HttpResponse<String> response = management("/actuator/health/readiness");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"UP\"");
    }

    /**
     * No endpoint there takes a body, and the actuator read one, whatever the method, whole into a
     * map (MemoryBoundIT: 64 MB ended the process): refused before any of it is read, however much
     * is announced, and the connection closed.
     */
    @Test
    void refusesABodyUnread() throws Exception {
      try (var socket = new Socket(InetAddress.getLoopbackAddress(), managementPort)) {
        socket.setSoTimeout(10_000);
        socket
            .getOutputStream()
            .write(
                ("GET /actuator/health HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000000000\r\n\r\n{")
                    .getBytes(StandardCharsets.UTF_8));

        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(answer).startsWith("HTTP/1.1 413 ").containsIgnoringCase("connection: close");
      }
    }

    @Test
    void exportsAdmissionMetricsForPrometheus() throws Exception {
      postCase(RECORDED);

      HttpResponse<String> response = management("/actuator/prometheus");

      assertThat(response.body())
          .contains(
              "pullsecret_admissions_total{dry_run=\"false\",reason=\"PATCHED\",rule=\"default-namespace\"}")
          .contains("pullsecret_admission_duration_seconds_bucket")
          .contains(
              "pullsecret_rule_admissions_total{outcome=\"PATCHED\",rule=\"default-namespace\"}")
          .contains(
              "pullsecret_rule_changes_total{applied=\"true\",change=\"pull_secret\",rule=\"default-namespace\"}")
          .contains("pullsecret_rules_generation");
    }
  }

  @Nested
  class RulesReload {

    @AfterEach
    void restoreTestRules() {
      RULES.write("rules.yaml", TEST_RULES);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> injectedSecrets().equals(List.of("injected-pull-secret")));
    }

    @Test
    void appliesNewRulesWithinSecondsOfASymlinkSwap() {
      RULES.write("rules.yaml", rulesGivingDefault("hot-reloaded-secret"));

      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> injectedSecrets().equals(List.of("hot-reloaded-secret")));
    }

    @Test
    void keepsTheLastGoodRulesWhenNewOnesAreInvalid() throws Exception {
      String before = metricsText();
      RULES.write(
          "rules.yaml",
          "rules:\n  - namespaces: [default]\n    pullSecrets: [undeclared]\n".getBytes());

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> metricsText().contains("pullsecret_rules_last_reload_success 0.0"));

      assertThat(before).contains("pullsecret_rules_last_reload_success 1.0");
      assertThat(injectedSecrets()).containsExactly("injected-pull-secret");
    }

    private byte[] rulesGivingDefault(String secret) {
      return ("pullSecrets: [{name: "
              + secret
              + "}]\nrules: [{namespaces: [default], pullSecrets: ["
              + secret
              + "]}]\n")
          .getBytes();
    }
  }

  private List<String> injectedSecrets() throws Exception {
    byte[] review = resource(RECORDED);
    JsonNode answer = json(post(review, "application/json").body());
    if (answer.at("/response/patch").isMissingNode()) {
      return List.of();
    }
    return pullSecretNames(pod(applyPatch(json(review).at("/request/object"), answer)));
  }

  private String metricsText() throws Exception {
    return management("/actuator/prometheus").body();
  }

  /** Posts {@code body} as JSON, asserts a 400 and returns the assertion on its reason. */
  private AbstractStringAssert<?> assertRefusedWith400(String body) throws Exception {
    HttpResponse<byte[]> response = post(body.getBytes(), "application/json");
    assertThat(response.statusCode()).isEqualTo(400);
    return assertThat(new String(response.body(), StandardCharsets.UTF_8));
  }

  /** Posts the review of {@code resource} (a test resource) as JSON. */
  private HttpResponse<byte[]> postCase(String resource) throws Exception {
    return post(resource(resource), "application/json");
  }

  private HttpResponse<byte[]> post(byte[] body, String contentType) throws Exception {
    return send(
        request("/mutate")
            .setHeader("Content-Type", contentType)
            .POST(BodyPublishers.ofByteArray(body)));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10));
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.build(), BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> management(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + path)).build(),
            BodyHandlers.ofString());
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("pullsecret-webhook-test");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
