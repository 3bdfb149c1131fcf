package dev.pullsecret.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.WallClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Clients that send a review whose answer is large (hundreds of rewritten images) and read it a few
 * KB a second, against the real server over TLS with the production timeouts. The server's socket
 * send buffer is made small here, as the kernel makes it when hundreds of connections press on its
 * TCP memory (on the loopback interface it would otherwise take the whole answer at once, as it
 * does not in a pod network): the answer then waits in the webhook, not in the kernel. They wait
 * for the read deadline, so they are in the integration tier.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@WallClock
class SlowReadersIT {

  private static final TestServerFiles FILES = TestServerFiles.create("pullsecret-slow-readers");

  /** application.properties: webhook.read-deadline, server.tomcat.connection-timeout. */
  private static final Duration READ_DEADLINE = Duration.ofSeconds(5);

  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);

  /** 256 containers, init containers and ephemeral containers, every one pinned and mirrored. */
  private static final byte[] LARGE_ANSWER = MemoryBoundIT.pod("CREATE", null, 256, 256, 256, 0);

  @TestConfiguration
  static class SmallSendBuffer {
    @Bean
    WebServerFactoryCustomizer<TomcatWebServerFactory> smallSendBuffer() {
      return factory ->
          factory.addConnectorCustomizers(c -> c.setProperty("socket.txBufSize", "8192"));
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    FILES.properties((name, value) -> registry.add(name, () -> value));
  }

  @LocalServerPort int port;
  @Autowired InFlightBudget budget;

  /**
   * Tomcat's write timeout is per wait for the client and starts again whenever it takes a few
   * bytes: before, this client held its connection, its answer and a worker for as long as it took
   * to read the whole answer (about 40 s here; for ever at a slower pace).
   */
  @Test
  void anAnswerReadAFewKbASecondIsCutOffPastTheReadDeadline() throws Exception {
    try (SSLSocket socket = tlsSocket()) {
      send(socket, LARGE_ANSWER);
      long start = System.nanoTime();

      Read read = readEveryQuarterSecond(socket, 2048, READ_DEADLINE.multipliedBy(4));

      assertThat(read.closed()).as("closed while the answer was still being read").isTrue();
      // Past the deadline, the sweep's period and a write wait begun before it (3 s) on a loaded
      // machine (11.1 s seen in CI); before, about 40 s.
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(READ_DEADLINE.plus(WRITE_TIMEOUT).plusSeconds(7));
    }
  }

  /**
   * The answer being written is in the in-flight budget until it is: before, the budget was given
   * back once the answer was encoded, and 700 clients not reading their answers ended the process
   * with an OutOfMemoryError, the answers held beside the budget.
   */
  @Test
  void anAnswerNotReadYetHoldsItsBytesInTheBudget() throws Exception {
    try (SSLSocket socket = tlsSocket()) {
      send(socket, LARGE_ANSWER);
      readEveryQuarterSecond(socket, 1, Duration.ofSeconds(1)); // the answer has begun

      boolean wholeBudgetFree = budget.tryTake(budget.total(), false);
      if (wholeBudgetFree) {
        budget.give(budget.total(), false);
      }

      assertThat(wholeBudgetFree).as("the budget holds the answer being written").isFalse();
    }
  }

  private SSLSocket tlsSocket() throws IOException {
    var socket = (SSLSocket) FILES.sslContext().getSocketFactory().createSocket();
    socket.setReceiveBufferSize(4096); // before connecting: the window it announces
    socket.connect(new InetSocketAddress("localhost", port));
    socket.setSoTimeout((int) READ_DEADLINE.multipliedBy(4).toMillis());
    socket.startHandshake();
    return socket;
  }

  private static void send(SSLSocket socket, byte[] review) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(RawHttp.head(review.length));
    out.write(review);
    out.flush();
  }

  /** What a slow reader saw: how many bytes, and whether the server closed before the end. */
  private record Read(long bytes, boolean closed) {}

  /** Reads {@code n} bytes every 250 ms until the server closes or {@code atMost} passes. */
  private static Read readEveryQuarterSecond(SSLSocket socket, int n, Duration atMost)
      throws InterruptedException, IOException {
    InputStream in = socket.getInputStream();
    long end = System.nanoTime() + atMost.toNanos();
    byte[] buffer = new byte[n];
    long read = 0;
    while (System.nanoTime() < end) {
      try {
        int got = in.read(buffer);
        if (got < 0) {
          return new Read(read, true);
        }
        read += got;
      } catch (SocketException e) {
        return new Read(read, true); // reset: cut off too
      }
      Thread.sleep(250);
    }
    return new Read(read, false);
  }
}
