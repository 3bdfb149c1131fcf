package dev.pullsecret.webhook.http;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.testing.AdmissionInvariants;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
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
 * The request edge of the real server over TLS: clients that stall, bodies built to exhaust the
 * parser, plain HTTP on the TLS port, and the connector limits in force. Whatever a client sends,
 * the answer comes within a bounded time and is never a 5xx.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "logging.level.dev.pullsecret.webhook.http.AdmissionEndpoint=debug")
@ExtendWith(OutputCaptureExtension.class)
class RequestEdgeTest {

  private static final TestServerFiles FILES = TestServerFiles.create("pullsecret-edge");
  private static final String REVIEW = "admission/cases/recorded-01-create-plain-pod.review.json";

  /** application.properties: server.tomcat.connection-timeout. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);

  /** application.properties: webhook.read-deadline. */
  private static final Duration READ_DEADLINE = Duration.ofSeconds(5);

  /** How long a test waits for the server to act on a stalled client: the timeout and slack. */
  private static final Duration BOUND = READ_TIMEOUT.plusSeconds(4);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    FILES.properties((name, value) -> registry.add(name, () -> value));
  }

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;
  @Autowired WebServerApplicationContext context;

  @Nested
  class StalledClients {

    @Test
    void aBodyThatStopsHalfwayIsAnswered408AfterTheReadTimeoutAndClosed() throws Exception {
      byte[] review = resource(REVIEW);
      try (SSLSocket socket = tlsSocket()) {
        OutputStream out = socket.getOutputStream();
        out.write(head(review.length));
        out.write(review, 0, review.length / 2);
        out.flush();
        long start = System.nanoTime();

        int first = socket.getInputStream().read();
        Duration answered = Duration.ofNanos(System.nanoTime() - start);
        String answer = (char) first + readUntilClosed(socket);
        Duration closed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(answer).startsWith("HTTP/1.1 408").contains("Connection: close");
        assertThat(answered).isBetween(READ_TIMEOUT.minusMillis(500), BOUND);
        // Tomcat then reads what is left of the body for one more timeout before closing.
        assertThat(closed).isLessThan(BOUND.plus(READ_TIMEOUT));
      }
    }

    @Test
    void headersThatNeverEndAreCutOffAfterTheReadTimeout() throws Exception {
      try (SSLSocket socket = tlsSocket()) {
        OutputStream out = sendHead(socket, "POST /mutate HTTP/1.1\r\nHost: localhost\r\n");
        long start = System.nanoTime();

        String answer = readUntilClosed(socket);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
        assertThat(answer).doesNotStartWith("HTTP/1.1 200").doesNotStartWith("HTTP/1.1 5");
      }
    }

    /**
     * A byte a second never trips the per-read timeout (3 s); the read deadline (5 s, for the whole
     * request line and headers) cuts the connection off all the same.
     */
    @Test
    void headersSentAByteASecondAreCutOffAtTheReadDeadline() throws Exception {
      try (SSLSocket socket = tlsSocket()) {
        OutputStream out = sendHead(socket, "POST /mutate HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");

        Paced paced = sendAByteASecondUntilClosed(socket, out);

        assertThat(paced.closed()).isTrue();
        assertThat(paced.took())
            .isBetween(READ_DEADLINE.minusMillis(500), READ_DEADLINE.plusSeconds(3));
      }
    }

    /**
     * A refusal sent before the body is read (here 415): what is left of the body is not waited for
     * past the read deadline, however it is paced. Tomcat alone would read it a byte a second for
     * as long as the client went on, holding the request and its buffers.
     */
    @Test
    void aRefusedBodySentAByteASecondIsNotWaitedForPastTheReadDeadline() throws Exception {
      try (SSLSocket socket = tlsSocket()) {
        OutputStream out =
            sendHead(
                socket,
                "POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 1000\r\n\r\n");

        Paced paced = sendAByteASecondUntilClosed(socket, out);

        assertThat(paced.answer()).startsWith("HTTP/1.1 415");
        assertThat(paced.closed()).isTrue();
        assertThat(paced.took()).isLessThan(READ_DEADLINE.plus(READ_TIMEOUT).plusSeconds(1));
      }
    }

    /**
     * A refused body announced longer than the largest review is not read away at all, however fast
     * it comes: reading 100 MB to keep the connection would be work no review needs.
     */
    @Test
    void aRefusedBodyLongerThanTheLargestReviewIsNotReadAway() throws Exception {
      try (SSLSocket socket = tlsSocket()) {
        OutputStream out =
            sendHead(
                socket,
                "POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 100000000\r\n\r\n");
        out.write(new byte[64 * 1024]);
        out.flush();
        long start = System.nanoTime();

        String answer = readUntilClosed(socket);

        // Closed with the client's bytes unread, so a reset may overtake the answer.
        assertThat(answer)
            .satisfiesAnyOf(
                a -> assertThat(a).isEmpty(), a -> assertThat(a).startsWith("HTTP/1.1 415"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(READ_TIMEOUT);
      }
    }

    /** The API server sends a body at once: refused unread, it is read away and the answer kept. */
    @Test
    void aRefusedBodySentAtOnceIsReadAwayAndTheConnectionServesTheNextReview() throws Exception {
      byte[] review = resource(REVIEW);
      try (var connection =
          TlsHttpConnection.open(FILES.sslContext(), TestServerFiles.SERVICE_HOST, port)) {
        connection.send(
            ("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: "
                    + review.length
                    + "\r\n\r\n")
                .getBytes(US_ASCII));
        connection.send(review);

        assertThat(connection.readResponse().status()).isEqualTo(415);
        assertThat(connection.post("/mutate", review).status()).isEqualTo(200);
      }
    }

    @Test
    void aConnectionThatNeverStartsTheHandshakeIsClosed() throws Exception {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout((int) BOUND.plusSeconds(5).toMillis());
        long start = System.nanoTime();

        int read = socket.getInputStream().read();

        assertThat(read).isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
      }
    }
  }

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
    void anUnparsableOrWrongContentTypeIsAnswered415WithAProblemAndNoTrace(
        String contentType, CapturedOutput output) throws Exception {
      var response = postAs(contentType, resource(REVIEW));

      assertThat(response.status()).isEqualTo(415);
      JsonNode problem = Reviews.json(response.body());
      assertThat(problem.path("status").asInt()).isEqualTo(415);
      assertThat(problem.path("detail").asString())
          .startsWith("Content-Type must be application/json, got \"");
      assertThat(AdmissionInvariants.hasControlCharacter(problem.path("detail").asString()))
          .isFalse();
      assertThat(output).doesNotContain("Exception").doesNotContain("at org.");
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
        out.write(head(review.length));
        out.write(review);
        out.flush();

        String answer = readUntilClosed(socket);

        // Tomcat answers a plain-HTTP request on a TLS port with a 400 in clear text, then closes.
        assertThat(answer).doesNotStartWith("HTTP/1.1 200").doesNotContain("\"allowed\"");
      }
    }

    @Test
    void theManagementPortIsPlainHttpOnItsOwnConfiguredPort() throws Exception {
      assertThat(managementPort).isNotEqualTo(port);
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), managementPort)) {
        socket.setSoTimeout((int) BOUND.toMillis());
        socket
            .getOutputStream()
            .write(
                ("GET /actuator/health/readiness HTTP/1.1\r\nHost: localhost\r\n"
                        + "Connection: close\r\n\r\n")
                    .getBytes(US_ASCII));

        assertThat(readUntilClosed(socket)).startsWith("HTTP/1.1 200").contains("\"UP\"");
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

  private TlsHttpConnection.Response postAs(String contentType, byte[] body) throws IOException {
    try (var connection =
        TlsHttpConnection.open(FILES.sslContext(), TestServerFiles.SERVICE_HOST, port)) {
      connection.send(
          ("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                  + contentType
                  + "\r\nContent-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(UTF_8));
      connection.send(body);
      return connection.readResponse();
    }
  }

  private SSLSocket tlsSocket() throws IOException {
    var socket = (SSLSocket) FILES.sslContext().getSocketFactory().createSocket("localhost", port);
    socket.setSoTimeout((int) BOUND.plusSeconds(5).toMillis());
    socket.startHandshake();
    return socket;
  }

  /** Sends {@code text} (a request head, maybe unfinished) on {@code socket}; its stream. */
  private static OutputStream sendHead(SSLSocket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(US_ASCII));
    out.flush();
    return out;
  }

  private static byte[] head(int contentLength) {
    return ("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: "
            + contentLength
            + "\r\n\r\n")
        .getBytes(US_ASCII);
  }

  /**
   * Everything the server sends until it closes the connection. A read that times out (the socket's
   * SO_TIMEOUT, longer than the bound) fails the test instead of hanging it.
   */
  /** What a client pacing its bytes saw: the answer, whether the server closed, and when. */
  private record Paced(String answer, boolean closed, Duration took) {}

  /**
   * Sends a byte a second on {@code out} for as long as the server neither closes the connection
   * nor 12 s pass, collecting what it answers meanwhile.
   */
  private static Paced sendAByteASecondUntilClosed(SSLSocket socket, OutputStream out)
      throws IOException {
    long start = System.nanoTime();
    socket.setSoTimeout(1000);
    InputStream in = socket.getInputStream();
    var answer = new StringBuilder();
    boolean closed = false;
    for (int i = 0; i < 12 && !closed; i++) { // bounded: 12 s at most
      try {
        int read = in.read();
        closed = read == -1;
        if (!closed) {
          answer.append((char) read).append(new String(in.readNBytes(in.available()), US_ASCII));
        }
      } catch (SocketTimeoutException e) {
        out.write('a'); // still open: one more byte, a second after the last
        out.flush();
      } catch (SocketException e) {
        closed = true;
      }
    }
    return new Paced(answer.toString(), closed, Duration.ofNanos(System.nanoTime() - start));
  }

  private static String readUntilClosed(Socket socket) throws IOException {
    var received = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
        received.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server neither answered nor closed: " + received, e);
    } catch (SocketException e) {
      // A reset after the answer (or instead of one) also ends the exchange.
    }
    return received.toString(UTF_8);
  }
}
