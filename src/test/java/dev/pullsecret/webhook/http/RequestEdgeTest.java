package dev.pullsecret.webhook.http;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.testing.AdmissionInvariants;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The request edge of the real server over TLS: bodies built to exhaust the parser, hostile text,
 * plain HTTP on the TLS port, and the connector limits in force. Whatever a client sends, the
 * answer is never a 5xx. Clients that stall, answered or cut off within the read timeout and
 * deadline, are {@link StalledClientsIT}.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "logging.level.dev.pullsecret.webhook.http.AdmissionEndpoint=debug")
@ExtendWith(OutputCaptureExtension.class)
class RequestEdgeTest {

  private static final TestServerFiles FILES = TestServerFiles.create("pullsecret-edge");
  private static final String REVIEW = "admission/cases/recorded-01-create-plain-pod.review.json";

  /**
   * How long a read waits for the server before the test fails instead of hanging: the read timeout
   * (application.properties: server.tomcat.connection-timeout, 3 s) and slack.
   */
  private static final Duration BOUND = Duration.ofSeconds(3 + 4);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    FILES.properties((name, value) -> registry.add(name, () -> value));
  }

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;
  @Autowired WebServerApplicationContext context;

  @Nested
  class ParserLimits {

    @Test
    void deepNestingIsRefusedWith400SayingSo() throws Exception {
      String nested = "[".repeat(1000) + "]".repeat(1000);

      var response = post(reviewWith("\"deep\": " + nested));

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.text()).contains("nesting depth");
    }

    @Test
    void aHugeNumberIsRefusedWith400SayingSo() throws Exception {
      var response = post(reviewWith("\"huge\": " + "9".repeat(5000)));

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.text()).contains("Number value length");
    }

    @Test
    void aThreeMebibyteStringUnderTheBodyLimitIsAnswered() throws Exception {
      // The codec allows strings as long as the body limit (4 MiB), so one 3 MiB annotation is a
      // legitimate, if odd, pod: answered 200, patched as usual.
      JsonNode review = Reviews.json(resource(REVIEW));
      ((tools.jackson.databind.node.ObjectNode) review.at("/request/object/metadata/annotations"))
          .put("big", "x".repeat(3 * 1024 * 1024));

      var response = post(Reviews.JSON.writeValueAsBytes(review));

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.text()).contains("\"patchType\":\"JSONPatch\"");
    }

    @Test
    void invalidUtf8IsRefusedWith400() throws Exception {
      byte[] review = resource(REVIEW);
      byte[] broken = review.clone();
      int uid = new String(review, UTF_8).indexOf("250cb760");
      broken[uid] = (byte) 0xC3;
      broken[uid + 1] = (byte) 0x28;

      var response = post(broken);

      assertThat(response.status()).isEqualTo(400);
    }

    /** {"apiVersion":..., "kind":..., "request": {"uid": "u", <extra>}}: limits hit in a skip. */
    private static byte[] reviewWith(String extra) {
      return ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
              + "\"request\":{\"uid\":\"u\","
              + extra
              + "}}")
          .getBytes(UTF_8);
    }
  }

  @Nested
  class HostileText {

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          "a",
          "application/json, text/plain",
          "application/json; charset=bogus",
          "application/json; charset=\"",
          "text/plain",
          ";"
        })
    void anUnparsableOrWrongContentTypeIsAnswered415WithAStatusAndNoTrace(
        String contentType, CapturedOutput output) throws Exception {
      var response = postAs(contentType, resource(REVIEW));

      assertThat(response.status()).isEqualTo(415);
      JsonNode status = Reviews.json(response.body());
      assertThat(status.path("kind").asString()).isEqualTo("Status");
      assertThat(status.path("apiVersion").asString()).isEqualTo("v1");
      assertThat(status.path("status").asString()).isEqualTo("Failure");
      assertThat(status.path("code").asInt()).isEqualTo(415);
      assertThat(status.path("reason").asString()).isEqualTo("UnsupportedMediaType");
      assertThat(status.path("message").asString())
          .startsWith("Content-Type must be application/json, got \"");
      assertThat(AdmissionInvariants.hasControlCharacter(status.path("message").asString()))
          .isFalse();
      assertThat(output).doesNotContain("Exception").doesNotContain("at org.");
    }

    @Test
    void anAbsentContentTypeIsAnswered415() throws Exception {
      var response = postAs(null, resource(REVIEW));

      assertThat(response.status()).isEqualTo(415);
      assertThat(Reviews.json(response.body()).path("message").asString())
          .isEqualTo("Content-Type must be application/json, got null");
    }

    /**
     * A 415 leaves the connection open; before, each was a log line, and one client looping it on
     * one connection wrote 2,500 lines (500 KB) a second.
     */
    @Test
    void aClientLoopingAWrongContentTypeWritesAFewLinesNotOneEach(CapturedOutput output)
        throws Exception {
      byte[] review = resource(REVIEW);
      byte[] head =
          ("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/x-loop\r\n"
                  + "Content-Length: "
                  + review.length
                  + "\r\n\r\n")
              .getBytes(UTF_8);
      long start = System.nanoTime();
      try (var connection =
          TlsHttpConnection.open(FILES.sslContext(), TestServerFiles.SERVICE_HOST, port)) {
        for (int i = 0; i < 100; i++) {
          connection.send(head);
          connection.send(review);
          assertThat(connection.readResponse().status()).isEqualTo(415);
        }
      }
      // At most PER_SECOND lines in each one-second window the loop touched, not one each:
      // counted from the time it took, so a busy machine slows the loop without failing it. A
      // window begins at the first refusal after the last one ended, perhaps in an earlier test of
      // this context, so a loop of d seconds touches at most floor(d) + 2 of them.
      long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds() + 2;

      assertThat(output.getAll().lines().filter(line -> line.contains("text/x-loop")))
          .hasSizeLessThanOrEqualTo(
              (int) Math.min(99, AdmissionEndpoint.RefusalLog.PER_SECOND * seconds));
    }

    @Test
    void theWarningForAnotherKindQuotesItBoundedAndEscaped(CapturedOutput output) throws Exception {
      JsonNode review = Reviews.json(resource(REVIEW));
      var request = (ObjectNode) review.path("request");
      request.put("uid", "u\nINFO forged line\u001b[2J" + "x".repeat(10_000));
      var kind = (ObjectNode) request.path("kind");
      kind.put("kind", "Service\n\u001b[31mred");
      kind.put("padding", "y".repeat(10_000));

      var response = post(Reviews.JSON.writeValueAsBytes(review));

      assertThat(response.status()).isEqualTo(200);
      String warning = Reviews.json(response.body()).at("/response/warnings/0").asString();
      assertThat(warning).contains("\"v1 Service\\n\\u001b[31mred\"").doesNotContain("padding");
      assertThat(warning.length()).isLessThan(256);
      assertThat(AdmissionInvariants.hasControlCharacter(warning)).isFalse();
      assertThat(output).doesNotContain("forged line\u001b").doesNotContain("x".repeat(200));
    }
  }

  @Nested
  class Transport {

    @Test
    void plainHttpOnTheAdmissionPortGetsNo200() throws Exception {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout((int) BOUND.toMillis());
        byte[] review = resource(REVIEW);
        OutputStream out = socket.getOutputStream();
        out.write(RawHttp.head(review.length));
        out.write(review);
        out.flush();

        String answer = RawHttp.readUntilClosed(socket);

        // Tomcat answers a plain-HTTP request on a TLS port with a 400 in clear text, then closes.
        assertThat(answer).doesNotStartWith("HTTP/1.1 200").doesNotContain("\"allowed\"");
      }
    }

    /**
     * {@code /error} is Spring's error page, rendered for the server's own 4xx answers; asked for
     * directly it has no status to render and answered 500.
     */
    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST"})
    void theErrorPageAskedForDirectlyIsNotFoundNotAServerError(String method) throws Exception {
      var response =
          send(method + " /error HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n");

      assertThat(response.status()).isEqualTo(404);
    }

    /**
     * Spring logged every request with another method at WARN with the method as sent, the one line
     * a client wrote into the log unquoted and as long as Tomcat's 8 KB header limit.
     */
    @Test
    void anotherMethodIsAnswered405WithoutWritingItIntoTheLog(CapturedOutput output)
        throws Exception {
      String method = "A".repeat(4_000);

      var response = send(method + " /mutate HTTP/1.1\r\nHost: localhost\r\n\r\n");

      assertThat(response.status()).isEqualTo(405);
      // At the levels the webhook logs at (ObservabilityTest turns Spring's DEBUG on in this JVM).
      assertThat(output.getAll().lines().filter(line -> !line.contains(" DEBUG ")))
          .noneMatch(line -> line.contains("A".repeat(200)));
    }

    /**
     * Spring MVC matches the request URI as sent, dot segments included, so {@code
     * /actuator/health/../prometheus} reached the health endpoint with a component named {@code
     * ..}: a 500 and a logged stack trace for every such request, from any pod. Such URIs are
     * refused.
     */
    @ParameterizedTest
    @ValueSource(
        strings = {
          "/actuator/health/../prometheus",
          "/actuator/health/../health",
          "/actuator/health/%2e%2e/prometheus",
          "/actuator/health/..;x/prometheus"
        })
    void aPathWithDotSegmentsIsRefused400OnTheManagementPort(String path, CapturedOutput output)
        throws Exception {
      assertThat(managementGet(path)).startsWith("HTTP/1.1 400");
      // No error logged (ObservabilityTest turns Spring's DEBUG on in this JVM).
      assertThat(output.getAll().lines().filter(line -> !line.contains(" DEBUG ")))
          .noneMatch(line -> line.contains("Exception") || line.contains(" ERROR "));
    }

    /**
     * Tomcat refuses a Content-Length that is not one number with a 400 but still hands the request
     * on, and reading that length then threw: before, a 500 and a stack trace in the log for each
     * such request, from any pod that reaches the Service.
     */
    @ParameterizedTest
    @ValueSource(
        strings = {
          "Content-Length: -5",
          "Content-Length: 12x",
          "Content-Length: 99999999999999999999999",
          "Content-Length: 2\r\nContent-Length: 2"
        })
    void aContentLengthThatIsNotOneNumberIsRefused400WithoutATrace(
        String contentLength, CapturedOutput output) throws Exception {
      var response =
          send(
              "POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                  + contentLength
                  + "\r\n\r\n{}");

      assertThat(response.status()).isEqualTo(400);
      assertThat(output.getAll().lines().filter(line -> !line.contains(" DEBUG ")))
          .noneMatch(line -> line.contains("Exception") || line.contains(" ERROR "));
    }

    /** As on the admission port: before, the management port answered it 200 with status 999. */
    @ParameterizedTest
    @ValueSource(strings = {"/error", "/error/x"})
    void theErrorPageAskedForDirectlyIsNotFoundOnTheManagementPort(String path) throws Exception {
      assertThat(managementGet(path)).startsWith("HTTP/1.1 404");
    }

    @Test
    void theManagementPortIsPlainHttpOnItsOwnConfiguredPort() throws Exception {
      assertThat(managementPort).isNotEqualTo(port);
      assertThat(managementGet("/actuator/health/readiness"))
          .startsWith("HTTP/1.1 200")
          .contains("\"UP\"");
    }

    /** The management port's whole answer to a plain {@code GET path}, over a raw socket. */
    private String managementGet(String path) throws IOException {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), managementPort)) {
        socket.setSoTimeout((int) BOUND.toMillis());
        socket
            .getOutputStream()
            .write(
                ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(US_ASCII));
        return RawHttp.readUntilClosed(socket);
      }
    }
  }

  @Nested
  class Limits {

    @Test
    void theConnectorRunsWithTheBoundsOfApplicationProperties() {
      Connector connector = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector();

      assertThat(connector.getProperty("connectionTimeout")).isEqualTo(3000);
      assertThat(connector.getProperty("keepAliveTimeout")).isEqualTo(120_000);
      assertThat(connector.getProperty("maxConnections")).isEqualTo(512);
      assertThat(connector.getProperty("maxSwallowSize")).isEqualTo(4 * 1024 * 1024);
      assertThat(connector.getProperty("acceptCount")).isEqualTo(64);
      assertThat(connector.getProperty("maxKeepAliveRequests")).isEqualTo(-1);
    }
  }

  private TlsHttpConnection.Response post(byte[] body) throws IOException {
    try (var connection =
        TlsHttpConnection.open(FILES.sslContext(), TestServerFiles.SERVICE_HOST, port)) {
      return connection.post("/mutate", body);
    }
  }

  private TlsHttpConnection.Response send(String head) throws IOException {
    try (var connection =
        TlsHttpConnection.open(FILES.sslContext(), TestServerFiles.SERVICE_HOST, port)) {
      connection.send(head.getBytes(US_ASCII));
      return connection.readResponse();
    }
  }

  private TlsHttpConnection.Response postAs(String contentType, byte[] body) throws IOException {
    try (var connection =
        TlsHttpConnection.open(FILES.sslContext(), TestServerFiles.SERVICE_HOST, port)) {
      connection.send(
          ("POST /mutate HTTP/1.1\r\nHost: localhost\r\n"
                  + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                  + "Content-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(UTF_8));
      connection.send(body);
      return connection.readResponse();
    }
  }
}
