package dev.pullsecret.webhook.http;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import dev.pullsecret.webhook.testing.WallClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Clients that stall, against the real server over TLS with the production timeouts: a body that
 * stops halfway, headers that never end or come a byte a second, refused bodies paced to hold the
 * connection, a connection that never starts its handshake. Each is answered or cut off within a
 * bound of the read timeout (3 s) or the read deadline (5 s): these tests wait for those timeouts
 * and measure when they fire, so they are in the integration tier. The rest of the request edge is
 * {@link RequestEdgeTest}. The tests run at once, each a client of its own: they mostly wait (the
 * class, as every other, runs alone).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@WallClock
class StalledClientsIT {

  private static final TestServerFiles FILES = TestServerFiles.create("pullsecret-stalled");
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

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aBodyThatStopsHalfwayIsAnswered408AfterTheReadTimeoutAndClosed() throws Exception {
    byte[] review = resource(REVIEW);
    try (SSLSocket socket = tlsSocket()) {
      OutputStream out = socket.getOutputStream();
      out.write(RawHttp.head(review.length));
      out.write(review, 0, review.length / 2);
      out.flush();
      long start = System.nanoTime();

      int first = socket.getInputStream().read();
      Duration answered = Duration.ofNanos(System.nanoTime() - start);
      String answer = (char) first + RawHttp.readUntilClosed(socket);
      Duration closed = Duration.ofNanos(System.nanoTime() - start);

      assertThat(answer).startsWith("HTTP/1.1 408").contains("Connection: close");
      assertThat(answered).isBetween(READ_TIMEOUT.minusMillis(500), BOUND);
      // Tomcat then reads what is left of the body for one more timeout before closing.
      assertThat(closed).isLessThan(BOUND.plus(READ_TIMEOUT));
    }
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void headersThatNeverEndAreCutOffAfterTheReadTimeout() throws Exception {
    try (SSLSocket socket = tlsSocket()) {
      OutputStream out = sendHead(socket, "POST /mutate HTTP/1.1\r\nHost: localhost\r\n");
      long start = System.nanoTime();

      String answer = RawHttp.readUntilClosed(socket);

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
      assertThat(answer).doesNotStartWith("HTTP/1.1 200").doesNotStartWith("HTTP/1.1 5");
    }
  }

  /**
   * A byte a second never trips the per-read timeout (3 s); the read deadline (5 s, for the whole
   * request line and headers) cuts the connection off all the same.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
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
   * past the read deadline, however it is paced. Tomcat alone would read it a byte a second for as
   * long as the client went on, holding the request and its buffers.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
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
  @Execution(ExecutionMode.CONCURRENT)
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

      String answer = RawHttp.readUntilClosed(socket);

      // Closed with the client's bytes unread, so a reset may overtake the answer.
      assertThat(answer)
          .satisfiesAnyOf(
              a -> assertThat(a).isEmpty(), a -> assertThat(a).startsWith("HTTP/1.1 415"));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(READ_TIMEOUT);
    }
  }

  /** The API server sends a body at once: refused unread, it is read away and the answer kept. */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
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
  @Execution(ExecutionMode.CONCURRENT)
  void aConnectionThatNeverStartsTheHandshakeIsClosed() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout((int) BOUND.plusSeconds(5).toMillis());
      long start = System.nanoTime();

      int read = socket.getInputStream().read();

      assertThat(read).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
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
}
