package dev.pullsecret.webhook.http;

import static dev.pullsecret.webhook.testing.Reviews.json;
import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import dev.pullsecret.webhook.testing.TlsHttpConnection.Response;
import dev.pullsecret.webhook.testing.WallClock;
import dev.pullsecret.webhook.testing.WebhookProcess;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to the webhook running as a real process, as the kubelet stops a pod, in the middle of
 * traffic: one keep-alive connection idle after a review, and one review in flight with half of its
 * body sent. The scenario runs once; each test states one thing that must hold of it. {@link
 * ShutdownUnderLoadIT} repeats shutdowns under continuous keep-alive load.
 *
 * <p>The process exits with 143 (128 + SIGTERM), as any JVM ended by that signal once its shutdown
 * hooks have run; Spring Boot does not turn it into 0, and the kubelet does not need it to.
 */
@WallClock
class GracefulShutdownIT {

  private static final String REVIEW = "admission/cases/recorded-01-create-plain-pod.review.json";
  private static final String UID = "250cb760-f3ec-4b35-bbb3-7c72e66cc42e";

  /** application.properties: spring.lifecycle.timeout-per-shutdown-phase. */
  private static final Duration SHUTDOWN_PHASE = Duration.ofSeconds(10);

  /** The whole shutdown: the phase above and the JVM's own stop, with room for a loaded machine. */
  private static final Duration EXIT_BOUND = SHUTDOWN_PHASE.plusSeconds(5);

  /** Readiness, the listening socket and idle connections go at once on SIGTERM; slack for load. */
  private static final Duration PROMPTLY = Duration.ofSeconds(4);

  private static final Duration START_BOUND = Duration.ofSeconds(90);

  private static Observed observed;

  /** What the test saw, with times counted from the SIGTERM. */
  record Observed(
      Duration notReady,
      int readinessStatus,
      Duration refusingConnections,
      Response idleAnswer,
      boolean idleClosedAfterItsAnswer,
      Response inFlightAnswer,
      OptionalInt exitCode,
      Duration exited,
      String log) {

    String timings() {
      return ("readiness %s after %s, refusing connections after %s,"
                  + " review on the idle connection answered %s,")
              .formatted(
                  readinessStatus,
                  notReady,
                  refusingConnections,
                  idleAnswer == null ? "never" : idleAnswer.status())
          + " in-flight review answered %s, exit code %s after %s"
              .formatted(
                  inFlightAnswer == null ? "never" : inFlightAnswer.status(), exitCode, exited);
    }
  }

  @BeforeAll
  static void stopTheWebhookMidTraffic() throws Exception {
    var files = TestServerFiles.create("pullsecret-shutdown");
    // The test holds a body half-sent while it watches the shutdown; a read timeout longer than
    // the production 3s keeps Tomcat from answering it 408 meanwhile on a loaded machine.
    var properties = Map.of("server.tomcat.connection-timeout", "10s");
    try (var webhook = WebhookProcess.start(files, properties, Map.of()).awaitReady(START_BOUND);
        var idle = connect(files, webhook);
        var inFlight = connect(files, webhook)) {
      assertThat(idle.post("/mutate", resource(REVIEW)).status()).isEqualTo(200);
      byte[] review = resource(REVIEW);
      byte[] firstHalf = Arrays.copyOf(review, review.length / 2);
      byte[] secondHalf = Arrays.copyOfRange(review, review.length / 2, review.length);
      // "Expect: 100-continue" is only answered once the endpoint reads the body (see
      // TomcatConfiguration.connectorSettings): the 100 proves the review is inside the
      // application, in flight.
      inFlight.send(inFlight.postHead("/mutate", review.length, "Expect: 100-continue"));
      assertThat(inFlight.readResponse().status()).isEqualTo(100);
      inFlight.send(firstHalf);

      long sigterm = System.nanoTime();
      webhook.process().destroy(); // SIGTERM, as the kubelet sends it

      var readiness = new AtomicInteger(200);
      Duration notReady =
          within(sigterm, () -> readiness.updateAndGet(x -> webhook.readiness()) != 200);
      Duration refusing = within(sigterm, () -> refusesConnections(webhook.port()));
      Response idleAnswer = postOrNull(idle, resource(REVIEW));
      boolean idleClosed = idle.closedByServerWithin(PROMPTLY);
      inFlight.send(secondHalf);
      Response answer = answerOrNull(inFlight);
      OptionalInt exitCode = webhook.awaitExit(EXIT_BOUND.minus(since(sigterm)));
      Duration exited = since(sigterm);

      observed =
          new Observed(
              notReady,
              readiness.get(),
              refusing,
              idleAnswer,
              idleClosed,
              answer,
              exitCode,
              exited,
              webhook.log());
      System.out.println("Shutdown observed: " + observed.timings());
    }
  }

  @Test
  void readinessFailsWhileTheReviewIsStillInFlight() {
    assertThat(observed.notReady()).as(observed.log()).isNotNull().isLessThan(PROMPTLY);
    // 503 (readiness REFUSING_TRAFFIC) while the management server runs, 0 once it is stopped.
    assertThat(observed.readinessStatus()).isIn(503, 0);
  }

  @Test
  void newConnectionsAreRefusedWhileTheReviewIsStillInFlight() {
    assertThat(observed.refusingConnections()).as(observed.log()).isNotNull().isLessThan(PROMPTLY);
  }

  @Test
  void aReviewOnAnIdleKeepAliveConnectionIsAnsweredWithConnectionCloseThenItIsClosed() {
    // Not closed under the client (a review may be on its way): answered once more, and the API
    // server sends its next review over a new connection, to a pod that is not stopping.
    Response answer = observed.idleAnswer();

    assertThat(answer).as(observed.log()).isNotNull();
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.headers()).containsEntry("Connection", "close");
    assertThat(observed.idleClosedAfterItsAnswer()).isTrue();
    // The idle and in-flight connections; on a loaded machine also one of the test's probes of the
    // listening socket, accepted just before it closed (the probe closes it at once).
    assertThat(observed.log()).containsPattern("Draining [23] open connection\\(s\\)");
  }

  @Test
  void theReviewInFlightIsAnswered200WithItsUid() {
    Response answer = observed.inFlightAnswer();

    assertThat(answer).as(observed.log()).isNotNull();
    assertThat(answer.status()).as(observed.log()).isEqualTo(200);
    assertThat(json(answer.body()).at("/response/uid").asString()).isEqualTo(UID);
    // It started before SIGTERM, but its connection is not kept alive after the answer either.
    assertThat(answer.headers()).containsEntry("Connection", "close");
    assertThat(observed.log()).contains("Graceful shutdown complete").doesNotContain("aborted");
  }

  @Test
  void theProcessExitsWith143WithinTheShutdownBound() {
    assertThat(observed.exitCode()).as(observed.log()).hasValue(143);
    assertThat(observed.exited()).isLessThan(EXIT_BOUND);
    // Every connection was closed by its client after a Connection: close answer: no wait for the
    // phase timeout.
    assertThat(observed.log()).contains("All connections closed by their clients");
  }

  private static TlsHttpConnection connect(TestServerFiles files, WebhookProcess webhook)
      throws IOException {
    return TlsHttpConnection.open(files.sslContext(), TestServerFiles.SERVICE_HOST, webhook.port());
  }

  /** Polls {@code condition} until {@link #PROMPTLY} after {@code start}: when it held, or null. */
  private static Duration within(long start, BooleanSupplier condition)
      throws InterruptedException {
    while (since(start).compareTo(PROMPTLY) < 0) {
      if (condition.getAsBoolean()) {
        return since(start);
      }
      Thread.sleep(20);
    }
    return null;
  }

  private static Response postOrNull(TlsHttpConnection connection, byte[] review) {
    try {
      return connection.post("/mutate", review);
    } catch (IOException e) {
      return null; // closed without an answer
    }
  }

  private static Response answerOrNull(TlsHttpConnection connection) {
    try {
      return connection.readResponse();
    } catch (IOException e) {
      return null; // closed without an answer
    }
  }

  private static boolean refusesConnections(int port) {
    try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
