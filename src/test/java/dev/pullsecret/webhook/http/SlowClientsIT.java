package dev.pullsecret.webhook.http;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import dev.pullsecret.webhook.testing.WallClock;
import dev.pullsecret.webhook.testing.WebhookProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Slow clients cannot hold the workers: while {@link #SLOW_HEADERS} connections send their headers
 * and {@link #SLOW_BODIES} their bodies a byte a second (reconnecting when the read deadline closes
 * them, as an attacker would), valid reviews on new connections are answered as fast as without
 * them; and clients sending bodies slowly on every connection slot leave the process alive. The
 * real process with the image's JVM flags, over TLS; the attack and the measurement are bounded in
 * count and time. The figures printed are those in docs/failure-semantics.md.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other ITs: it mostly waits out read deadlines
@ResourceLock(WallClock.QUIET) // and never beside one that measures time (or the bench)
class SlowClientsIT {

  private static final String REVIEW = "admission/cases/recorded-01-create-plain-pod.review.json";
  private static final int SLOW_HEADERS = 300;
  private static final int SLOW_BODIES = 100;
  private static final int REVIEWS = 200;

  /**
   * Under attack, enough reviews to last past the read deadline (each takes ~10-15 ms with its
   * handshake), so the slow clients are cut off and reconnect during the measurement.
   */
  private static final int REVIEWS_UNDER_ATTACK = 800;

  /**
   * On a machine so busy that {@link #REVIEWS_UNDER_ATTACK} reviews would take minutes, the
   * measurement ends once it has lasted this long, past two read deadlines (5 s) and so past the
   * slow clients' cut-offs and reconnections, with at least {@link #REVIEWS} reviews measured.
   */
  private static final Duration UNDER_ATTACK_AT_MOST = Duration.ofSeconds(15);

  private static final Duration PACE = Duration.ofSeconds(1);

  /** Slow clients start over this span, shorter than the read deadline (5 s). */
  private static final Duration STAGGER = Duration.ofSeconds(3);

  /** Far below the API server's 5 s timeout: no review waits for a worker held by a slow client. */
  private static final Duration STARVED = Duration.ofSeconds(1);

  /** {@code server.tomcat.max-connections} in application.properties. */
  private static final int SLOTS = 512;

  /**
   * How long every slot is held by slow bodies: past two read deadlines (5 s), so every client is
   * cut off and reconnects at least once while the slots are full.
   */
  private static final Duration SIEGE = Duration.ofSeconds(12);

  /**
   * The sieges meet one process with the image's flags, one after another, as a running webhook
   * would; each ends with its attackers gone and the process answering, which is the next one's
   * start. A fresh process for each cost ~60 s of CPU in start-up and JIT beside the other ITs.
   */
  private static TestServerFiles files;

  private static WebhookProcess webhook;

  @BeforeAll
  static void startWebhook() throws InterruptedException {
    files = TestServerFiles.create("pullsecret-sieges");
    webhook = WebhookProcess.startAsTheImage(files, Map.of()).awaitReady(Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopWebhook() {
    if (webhook != null) {
      webhook.close();
    }
  }

  private final AtomicBoolean stop = new AtomicBoolean();

  /** Attackers that have sent the start of a request at least once. */
  private final AtomicInteger up = new AtomicInteger();

  private final AtomicInteger cutOff = new AtomicInteger();

  @Test
  void validReviewsOnNewConnectionsStayFastUnderSlowHeaderAndSlowBodyClients() throws Exception {
    byte[] review = resource(REVIEW);
    // The production read deadline (5 s): the measurement lasts longer, so slow clients are cut
    // off during it and reconnect, with a TLS handshake each, as an attacker would. A byte a second
    // never trips Tomcat's per-read timeout of 3 s, only the deadline.
    try (ExecutorService attackers = Executors.newVirtualThreadPerTaskExecutor()) {
      measure(files, webhook.port(), review, REVIEWS); // warm-up: the JIT, as a running webhook is
      long[][] baseline = measure(files, webhook.port(), review, REVIEWS);
      for (int i = 0; i < SLOW_HEADERS + SLOW_BODIES; i++) {
        boolean body = i < SLOW_BODIES;
        Duration startAfter = STAGGER.multipliedBy(i).dividedBy(SLOW_HEADERS + SLOW_BODIES);
        attackers.execute(() -> sendSlowly(files, webhook.port(), body, review.length, startAfter));
      }
      long[][] attacked;
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> up.get() == SLOW_HEADERS + SLOW_BODIES);
        attacked =
            measure(
                files, webhook.port(), review, REVIEWS, REVIEWS_UNDER_ATTACK, UNDER_ATTACK_AT_MOST);
      } finally {
        stop.set(true); // the attackers end within a pace
      }
      long[] review_ = attacked[0];
      long[] withHandshake = attacked[1];

      Duration p99 = p99(review_);
      System.out.printf(
          "Under %d slow-header and %d slow-body connections (%d cut off by the read deadline),"
              + " %d reviews: review p50 %d ms, p99 %d ms; with connect and TLS handshake p99 %d"
              + " ms; without the attack: review p99 %d ms, with handshake %d ms%n",
          SLOW_HEADERS,
          SLOW_BODIES,
          cutOff.get(),
          review_.length,
          percentile(review_, 50).toMillis(),
          p99.toMillis(),
          p99(withHandshake).toMillis(),
          p99(baseline[0]).toMillis(),
          p99(baseline[1]).toMillis());
      assertThat(webhook.process().isAlive()).as(webhook.log()).isTrue();
      // Starvation is what this guards against (before, these reviews timed out at 5 s): well
      // within the API server's timeout. Issue 12's 50 ms target is a figure to measure on a
      // machine not shared with other builds (docs/failure-semantics.md); the cut-off clients'
      // reconnections, each a TLS handshake, cost the rest here.
      assertThat(p99).isLessThan(STARVED);
    }
  }

  /**
   * More clients than connection slots, each announcing a review and sending it a byte a second:
   * every slot holds a body being read (or refused and cut off at the deadline, then retaken); at
   * the same time every slot of the management port is held, and a few clients send the largest
   * admissible review. The heap holds it all by construction (docs/failure-semantics.md: the
   * connections of both ports, and the bodies and answers within the in-flight budget), so the
   * process stays up, with the image's heap, and answers once the siege ends. Before, 400 slow
   * bodies alone ended it with an OutOfMemoryError.
   */
  @Test
  void slowBodiesOnEverySlotLeaveTheProcessAliveAndAnswering() throws Exception {
    byte[] review = resource(REVIEW);
    int clients = SLOTS + SLOTS / 4;
    try (ExecutorService attackers = Executors.newVirtualThreadPerTaskExecutor()) {
      var largestAnswered = new AtomicInteger();
      var largestRss = new AtomicLong();
      try {
        for (int i = 0; i < clients; i++) {
          Duration startAfter = STAGGER.multipliedBy(i).dividedBy(clients);
          attackers.execute(
              () -> sendSlowly(files, webhook.port(), true, review.length, startAfter));
          // and, at once, the management port's slots held as well (about 40 KiB of heap each)
          attackers.execute(() -> holdManagementSlot(webhook.managementPort(), startAfter));
        }
        for (int i = 0; i < LARGEST_SENDERS; i++) {
          attackers.execute(() -> sendTheLargest(files, webhook.port(), largestAnswered));
        }
        await()
            .during(SIEGE)
            .atMost(SIEGE.plusSeconds(5))
            .until(
                () -> {
                  largestRss.accumulateAndGet(residentMib(webhook.process().pid()), Math::max);
                  return webhook.process().isAlive();
                });
      } finally {
        stop.set(true);
      }
      System.out.printf(
          "%d clients sending bodies slowly on %d slots for %d s, as many on the management port,"
              + " %d sending the largest reviews (%d answered 200): %d cut off and reconnected;"
              + " process alive, RSS at most %d MiB%n",
          clients,
          SLOTS,
          SIEGE.toSeconds(),
          LARGEST_SENDERS,
          largestAnswered.get(),
          cutOff.get(),
          largestRss.get());
      assertThat(largestRss.get())
          .as("RSS (MiB) within the chart's limit")
          .isLessThan(CHART_LIMIT_MIB);
      assertThat(up.get()).as("clients that held a slot").isGreaterThanOrEqualTo(SLOTS / 2);
      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                try (var connection = connect(files, webhook.port())) {
                  assertThat(connection.post("/mutate", review).status()).isEqualTo(200);
                }
              });
      assertThat(webhook.log()).doesNotContain("java.lang.OutOfMemoryError");
    }
  }

  /** The chart's memory limit (values.yaml; MemoryBudgetIT keeps it above the image's flags). */
  private static final long CHART_LIMIT_MIB = 384;

  /** The process's resident set now, from /proc (Linux, as in the image), in MiB; 0 if unknown. */
  private static long residentMib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the process is gone or the line unreadable: nothing to record this time
    }
    return 0;
  }

  /** Clients sending the largest admissible review meanwhile, for the in-flight budget's part. */
  private static final int LARGEST_SENDERS = 8;

  /**
   * Sends the largest admissible review (3.5 MB, every list full) again and again until stopped.
   */
  private void sendTheLargest(TestServerFiles files, int port, AtomicInteger answered) {
    byte[] largest = MemoryBoundIT.pod("CREATE", null, 256, 256, 256, 3_500_000);
    while (!stop.get()) {
      try (var connection = connect(files, port)) {
        if (connection.post("/mutate", largest).status() == 200) {
          answered.incrementAndGet();
        }
      } catch (IOException e) {
        // no slot, or cut off: the siege is the point here, not this review
      }
    }
  }

  /**
   * More clients than slots each send the largest pod the webhook admits (256 containers in each
   * list, every image rewritten: a 137 KB answer) and never read the answer: the answers wait in
   * the kernel's socket buffers or in a write that Tomcat's timeout ends, not in a growing heap.
   */
  @Test
  void clientsThatNeverReadTheirAnswersLeaveTheProcessAliveAndAnswering() throws Exception {
    byte[] largest = MemoryBoundIT.pod("CREATE", null, 256, 256, 0, 0);
    int clients = SLOTS + SLOTS / 4;
    var held = new ConcurrentLinkedQueue<TlsHttpConnection>();
    try (ExecutorService attackers = Executors.newVirtualThreadPerTaskExecutor()) {
      try {
        for (int i = 0; i < clients; i++) {
          attackers.execute(() -> sendAndNeverRead(files, webhook.port(), largest, held));
        }
        // Under load the handshakes come slowly: the siege's time counts once half the slots hold
        // an unread answer, not from the first connection.
        await().atMost(Duration.ofSeconds(60)).until(() -> up.get() >= SLOTS / 2);
        await().during(SIEGE).atMost(SIEGE.plusSeconds(5)).until(() -> webhook.process().isAlive());
      } finally {
        stop.set(true);
        for (var connection : held) {
          connection.close();
        }
      }
      System.out.printf(
          "%d clients that never read a %d-byte review's answer: %d sent it; process alive%n",
          clients, largest.length, up.get());
      assertThat(up.get()).as("clients that sent their review").isGreaterThanOrEqualTo(SLOTS / 2);
      try (var connection = connect(files, webhook.port())) {
        assertThat(connection.post("/mutate", resource(REVIEW)).status()).isEqualTo(200);
      }
      assertThat(webhook.log()).doesNotContain("java.lang.OutOfMemoryError");
    }
  }

  private void sendAndNeverRead(
      TestServerFiles files, int port, byte[] review, Queue<TlsHttpConnection> held) {
    while (!stop.get()) {
      try {
        var connection = connect(files, port);
        held.add(connection);
        connection.send(connection.postHead("/mutate", review.length));
        connection.send(review);
        up.incrementAndGet();
        return;
      } catch (IOException e) {
        // no slot yet (the handshake timed out in the backlog): try again, as an attacker would
      }
    }
  }

  /**
   * The management port (health, metrics) is as reachable as the admission port: more clients than
   * its slots send headers a byte at a time, reconnecting when cut off. Its slow connections are
   * swept too, so the kubelet's probes (the chart's: 2 s timeout, readiness failing after 2 in a
   * row, liveness after 3) keep being answered. Before, every probe timed out: the pod would have
   * left the Service and been restarted over and over.
   */
  @Test
  void slowHeadersOnEveryManagementSlotLeaveTheProbesAnswered() throws Exception {
    int clients = SLOTS + SLOTS / 4;
    try (ExecutorService attackers = Executors.newVirtualThreadPerTaskExecutor()) {
      int answered = 0;
      int failedInARow = 0;
      int mostFailedInARow = 0;
      try {
        for (int i = 0; i < clients; i++) {
          Duration startAfter = STAGGER.multipliedBy(i).dividedBy(clients);
          attackers.execute(() -> holdManagementSlot(webhook.managementPort(), startAfter));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> up.get() == clients);
        for (int probe = 0; probe < PROBES; probe++) {
          boolean ok = webhook.readiness() == 200; // 2 s timeout, as the chart's probes
          answered += ok ? 1 : 0;
          failedInARow = ok ? 0 : failedInARow + 1;
          mostFailedInARow = Math.max(mostFailedInARow, failedInARow);
          Thread.sleep(PACE); // the kubelet's period, not a wait for a condition
        }
      } finally {
        stop.set(true);
      }
      System.out.printf(
          "%d clients sending headers slowly to the management port (%d slots): %d of %d probes"
              + " answered, at most %d failed in a row; %d cut off and reconnected%n",
          clients, SLOTS, answered, PROBES, mostFailedInARow, cutOff.get());
      assertThat(mostFailedInARow).as("probes failed in a row").isLessThan(2);
    }
  }

  /**
   * Probes sent during the siege of the management port, one per {@link #PACE}: they last past two
   * read deadlines, so the probes are also answered while the cut-off clients reconnect.
   */
  private static final int PROBES = 12;

  /**
   * Any pod can reach the management port too, and a scrape of the metrics is milliseconds of CPU
   * on a virtual thread, which is not time-sliced: clients asking for them from a few connections
   * at once kept both carriers busy, which the admission port runs on too, and reviews on new
   * connections were cut off at the read deadline in their TLS handshake (2 of 10 failed, the
   * others waited up to 5 s). Scrapes now run one at a time.
   */
  @Test
  void metricsAskedForFromManyConnectionsLeaveReviewsAnswered() throws Exception {
    AtomicInteger scrapes = new AtomicInteger();
    try (ExecutorService attackers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < SCRAPERS; i++) {
        attackers.execute(() -> scrape(webhook.managementPort(), scrapes));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> scrapes.get() >= SCRAPERS);
      assertReviewsAnsweredMeanwhile(
          files, webhook, "%d clients scraping the metrics".formatted(SCRAPERS));
    }
  }

  /**
   * Clients looping the largest admissible review (3.5 MB) held the whole in-flight budget, and
   * ordinary reviews, a few KB, waited behind them and were refused 503 (18 % of them with 16 such
   * clients): with a fail-open policy, pods admitted without their pull secrets. Large bodies now
   * have a share of the budget that always leaves room for a small review.
   */
  @Test
  void clientsLoopingTheLargestReviewsLeaveOrdinaryReviewsAnswered() throws Exception {
    var largestAnswered = new AtomicInteger();
    try (ExecutorService attackers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 2 * LARGEST_SENDERS; i++) {
        attackers.execute(() -> sendTheLargest(files, webhook.port(), largestAnswered));
      }
      // Whether theirs are answered is not the point: so many at once mostly are not.
      assertReviewsAnsweredMeanwhile(
          files, webhook, "%d clients looping the largest reviews".formatted(2 * LARGEST_SENDERS));
      System.out.printf("largest reviews answered 200 meanwhile: %d%n", largestAnswered.get());
    }
  }

  /** Reviews on new connections for {@link #SIEGE} are all answered 200, within 4 s each. */
  private void assertReviewsAnsweredMeanwhile(
      TestServerFiles files, WebhookProcess webhook, String attack) throws Exception {
    byte[] review = resource(REVIEW);
    int answered = 0;
    List<String> failed = new ArrayList<>();
    long slowest = 0;
    try {
      long end = System.nanoTime() + SIEGE.toNanos();
      while (System.nanoTime() - end < 0) {
        long start = System.nanoTime();
        try (var connection =
            TlsHttpConnection.open(
                files.sslContext(), TestServerFiles.SERVICE_HOST, webhook.port())) {
          connection.readTimeout(Duration.ofSeconds(10));
          var response = connection.post("/mutate", review);
          if (response.status() == 200) {
            answered++;
          } else {
            failed.add(
                response.status() + " " + new String(response.body(), StandardCharsets.UTF_8));
          }
        } catch (IOException e) {
          failed.add(e.toString());
        }
        slowest = Math.max(slowest, System.nanoTime() - start);
      }
    } finally {
      stop.set(true);
    }
    System.out.printf(
        "%s: %d reviews answered, %d failed %s, slowest %d ms%n",
        attack, answered, failed.size(), failed, Duration.ofNanos(slowest).toMillis());
    assertThat(failed).as("reviews not answered 200").isEmpty();
    // Within the API server's timeout (the chart: 5 s); 1.6-2.3 s on the shared 2-core machine.
    assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(4));
  }

  private static final int SCRAPERS = 16;

  /** Asks for the metrics over and over on its own keep-alive connection, reading every answer. */
  private void scrape(int port, AtomicInteger scrapes) {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
            .timeout(Duration.ofSeconds(10))
            .build();
    try (var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      while (!stop.get()) {
        try {
          client.send(request, HttpResponse.BodyHandlers.discarding());
          scrapes.incrementAndGet();
        } catch (IOException e) {
          // cut off or refused: ask again
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** A slow client of the management port (plain HTTP), as {@link #sendSlowly} is of admission. */
  private void holdManagementSlot(int port, Duration startAfter) {
    try {
      Thread.sleep(startAfter);
    } catch (InterruptedException e) {
      return;
    }
    boolean isUp = false;
    while (!stop.get()) {
      try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket
            .getOutputStream()
            .write("GET /actuator/health HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(US_ASCII));
        if (!isUp) {
          isUp = true;
          up.incrementAndGet();
        }
        while (!stop.get()) {
          Thread.sleep(PACE);
          socket.getOutputStream().write('a');
        }
      } catch (IOException e) {
        if (!stop.get()) {
          cutOff.incrementAndGet();
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Clients that open connections, send one review each and keep them idle cannot fill the slots:
   * past three quarters of {@code max-connections} (here 8), idle ones are closed after 1 s, and a
   * new connection is answered instead of waiting the 120 s keep-alive timeout in the backlog.
   */
  @Test
  void idleConnectionsAreShedWhenSlotsRunShortSoANewOneIsAnswered() throws Exception {
    var files = TestServerFiles.create("pullsecret-idle");
    byte[] review = resource(REVIEW);
    int slots = 8;
    var idle = new ArrayList<TlsHttpConnection>();
    try (var webhook =
        WebhookProcess.start(
                files, Map.of("server.tomcat.max-connections", String.valueOf(slots)), Map.of())
            .awaitReady(Duration.ofSeconds(90))) {
      for (int i = 0; i < slots; i++) {
        var connection = connect(files, webhook.port());
        idle.add(connection);
        assertThat(connection.post("/mutate", review).status()).isEqualTo(200);
      }

      long start = System.nanoTime();
      try (var fresh = connect(files, webhook.port())) {
        assertThat(fresh.post("/mutate", review).status()).isEqualTo(200);
      }

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(idle.getFirst().closedByServerWithin(Duration.ofSeconds(5))).isTrue();
    } finally {
      for (var connection : idle) {
        connection.close();
      }
    }
  }

  /**
   * One slow client: connects, sends a request's start, then a byte per {@link #PACE}, watching for
   * the server to cut it off (a read that waits one pace: the close, or a 408, ends it).
   */
  private void sendSlowly(
      TestServerFiles files, int port, boolean body, int length, Duration startAfter) {
    try {
      Thread.sleep(startAfter); // independent clients do not start in step: neither are they cut
    } catch (InterruptedException e) {
      return;
    }
    boolean isUp = false;
    while (!stop.get()) {
      try (var connection = connect(files, port)) {
        connection.send(
            body
                ? connection.postHead("/mutate", length)
                : "POST /mutate HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(US_ASCII));
        if (!isUp) {
          isUp = true;
          up.incrementAndGet();
        }
        while (!stop.get()) {
          Thread.sleep(PACE); // the attacker's pace, not a wait for a condition
          connection.send(body ? new byte[] {' '} : new byte[] {'a'});
        }
      } catch (IOException e) {
        if (!stop.get()) {
          cutOff.incrementAndGet(); // closed by the server: reconnect, as an attacker would
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * {@code count} reviews, each on a new connection: the times of the review alone, and with the
   * connection and TLS handshake.
   */
  private static long[][] measure(TestServerFiles files, int port, byte[] review, int count)
      throws IOException {
    return measure(files, port, review, count, count, Duration.ofDays(1));
  }

  /**
   * As {@link #measure(TestServerFiles, int, byte[], int)}, {@code most} reviews, or fewer (but at
   * least {@code least}) once {@code atMost} has passed.
   */
  private static long[][] measure(
      TestServerFiles files, int port, byte[] review, int least, int most, Duration atMost)
      throws IOException {
    long[] alone = new long[most];
    long[] withHandshake = new long[most];
    long deadline = System.nanoTime() + atMost.toNanos();
    int count = 0;
    for (int i = 0; i < most && (i < least || System.nanoTime() < deadline); i++, count++) {
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
    return new long[][] {Arrays.copyOf(alone, count), Arrays.copyOf(withHandshake, count)};
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
