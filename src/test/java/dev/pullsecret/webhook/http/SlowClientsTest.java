package dev.pullsecret.webhook.http;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import dev.pullsecret.webhook.testing.WebhookProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Slow clients cannot hold the workers: while {@link #SLOW_HEADERS} connections send their headers
 * and {@link #SLOW_BODIES} their bodies a byte a second (reconnecting when the read deadline closes
 * them, as an attacker would), valid reviews on new connections are answered as fast as without
 * them. The real process with the image's JVM flags, over TLS; the attack and the measurement are
 * bounded in count and time. The p99 printed is the figure in docs/failure-semantics.md.
 */
class SlowClientsTest {

  private static final String REVIEW = "admission/cases/recorded-01-create-plain-pod.review.json";
  private static final int SLOW_HEADERS = 300;
  private static final int SLOW_BODIES = 100;
  private static final int REVIEWS = 200;
  private static final Duration PACE = Duration.ofSeconds(1);

  /** The target of issue 12: the p99 of a review on a new connection, attack or not. */
  private static final Duration P99_TARGET = Duration.ofMillis(50);

  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger sending = new AtomicInteger();
  private final AtomicInteger cutOff = new AtomicInteger();

  @Test
  void validReviewsOnNewConnectionsStayFastUnderSlowHeaderAndSlowBodyClients() throws Exception {
    var files = TestServerFiles.create("pullsecret-slow");
    byte[] review = resource(REVIEW);
    // A shorter read deadline than the 5 s default, so slow clients are cut off (and reconnect,
    // with a TLS handshake each) during the measurement: a byte a second never trips Tomcat's
    // per-read timeout of 3 s, only the deadline.
    try (var webhook =
            WebhookProcess.startAsTheImage(files, Map.of("webhook.read-deadline", "2s"))
                .awaitReady(Duration.ofSeconds(90));
        ExecutorService attackers = Executors.newVirtualThreadPerTaskExecutor()) {
      measure(files, webhook.port(), review); // warm-up: the JIT, as a running webhook is
      long[][] baseline = measure(files, webhook.port(), review);
      for (int i = 0; i < SLOW_HEADERS + SLOW_BODIES; i++) {
        boolean body = i < SLOW_BODIES;
        attackers.execute(() -> sendSlowly(files, webhook.port(), body, review.length));
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> sending.get() >= SLOW_HEADERS + SLOW_BODIES);

      long[][] attacked = measure(files, webhook.port(), review);
      long[] review_ = attacked[0];
      long[] withHandshake = attacked[1];
      stop.set(true);
      attackers.shutdownNow();
      assertThat(attackers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

      Duration p99 = p99(review_);
      System.out.printf(
          "Under %d slow-header and %d slow-body connections (%d cut off by the read deadline):"
              + " review p50 %d ms, p99 %d ms; with connect and TLS handshake p99 %d ms;"
              + " without the attack: review p99 %d ms, with handshake %d ms%n",
          SLOW_HEADERS,
          SLOW_BODIES,
          cutOff.get(),
          percentile(review_, 50).toMillis(),
          p99.toMillis(),
          p99(withHandshake).toMillis(),
          p99(baseline[0]).toMillis(),
          p99(baseline[1]).toMillis());
      assertThat(webhook.process().isAlive()).as(webhook.log()).isTrue();
      assertThat(cutOff.get()).as("slow clients cut off by the deadline").isPositive();
      // On an idle machine the p99 is within the target; this one is shared with other builds,
      // so the review's own p99 is the floor: the attack may add at most the target to it.
      assertThat(p99).isLessThanOrEqualTo(p99(baseline[0]).plus(P99_TARGET));
    }
  }

  /** One slow client: connects, sends a request's start, then a byte per {@link #PACE}. */
  private void sendSlowly(TestServerFiles files, int port, boolean body, int length) {
    while (!stop.get()) {
      try (var connection = connect(files, port)) {
        connection.send(
            body
                ? connection.postHead("/mutate", length)
                : "POST /mutate HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(US_ASCII));
        sending.incrementAndGet();
        try {
          while (!stop.get()) {
            Thread.sleep(PACE); // the attacker's pace, not a wait for a condition
            connection.send(body ? new byte[] {' '} : new byte[] {'a'});
          }
        } finally {
          sending.decrementAndGet();
        }
      } catch (IOException e) {
        cutOff.incrementAndGet(); // closed by the server: reconnect
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * {@link #REVIEWS} reviews, each on a new connection: the times of the review alone, and with the
   * connection and TLS handshake.
   */
  private static long[][] measure(TestServerFiles files, int port, byte[] review)
      throws IOException {
    long[] alone = new long[REVIEWS];
    long[] withHandshake = new long[REVIEWS];
    for (int i = 0; i < REVIEWS; i++) {
      long start = System.nanoTime();
      try (var connection = connect(files, port)) {
        long connected = System.nanoTime();
        var answer = connection.post("/mutate", review);
        long end = System.nanoTime();
        assertThat(answer.status()).isEqualTo(200);
        alone[i] = end - connected;
        withHandshake[i] = end - start;
      }
    }
    return new long[][] {alone, withHandshake};
  }

  private static TlsHttpConnection connect(TestServerFiles files, int port) throws IOException {
    return TlsHttpConnection.open(files.sslContext(), TestServerFiles.SERVICE_HOST, port);
  }

  private static Duration p99(long[] nanos) {
    return percentile(nanos, 99);
  }

  private static Duration percentile(long[] nanos, int p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return Duration.ofNanos(sorted[Math.min(sorted.length - 1, sorted.length * p / 100)]);
  }
}
