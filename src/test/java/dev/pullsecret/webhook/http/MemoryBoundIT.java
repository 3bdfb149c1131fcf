package dev.pullsecret.webhook.http;

import static dev.pullsecret.webhook.testing.Reviews.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import dev.pullsecret.webhook.testing.WallClock;
import dev.pullsecret.webhook.testing.WebhookProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The heap holds the worst admissible reviews with every worker busy: the real process with the
 * image's JVM flags (a 160 MiB heap that ends the process on OutOfMemoryError, read from the
 * Dockerfile) is sent, from {@link #CLIENTS} connections at once, reviews with as many containers
 * as the webhook admits, in a namespace whose rule pins and mirrors, some with a body near the 4
 * MiB limit, and the reviews of issue 12 that were over it. Every answer must be a valid 200 or a
 * clean refusal (400 over the pod limits, 503 with Retry-After past the in-flight budget), and the
 * process must still be alive.
 */
@WallClock
class MemoryBoundIT {

  /** As many as the 32 platform workers there were before virtual threads. */
  private static final int CLIENTS = 32;

  private static final int ROUNDS = 3;
  private static final int PER_LIST = 256;

  private static WebhookProcess webhook;
  private static TestServerFiles files;

  @BeforeAll
  static void startAsTheImage() throws InterruptedException {
    files = TestServerFiles.create("pullsecret-memory");
    // Memory is the question here, not time: 32 uploads of 3.7 MB on two shared cores can take
    // longer than the 5 s read deadline, and a body refused 408 mid-upload is a clean refusal the
    // sequential test client cannot read (Tomcat closes the connection while it is still writing);
    // the test JVM's own threads may also stall for more than Tomcat's 3 s per-read timeout.
    webhook =
        WebhookProcess.startAsTheImage(
                files,
                Map.of("webhook.read-deadline", "60s", "server.tomcat.connection-timeout", "30s"))
            .awaitReady(Duration.ofSeconds(90));
  }

  @AfterAll
  static void stop() {
    webhook.close();
  }

  @Test
  void theWorstAdmissibleReviewsFromEveryWorkerAtOnceAreAnsweredOrRefusedCleanly()
      throws Exception {
    List<byte[]> reviews =
        List.of(
            pod("CREATE", null, PER_LIST, PER_LIST, 0, 0),
            pod("CREATE", null, PER_LIST, PER_LIST, PER_LIST, 3_500_000),
            pod("UPDATE", "ephemeralcontainers", 0, 1, PER_LIST, 0),
            pod("CREATE", null, 0, 20_000, 0, 0), // issue 12: 1.3 MB, 20,000 untagged containers
            pod("UPDATE", "ephemeralcontainers", 0, 1, 20_000, 0)); // issue 12: ephemeral
    var statuses = new ConcurrentHashMap<Integer, AtomicLong>();
    var largestAnswered = new AtomicLong();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    List<Future<?>> done = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      int first = c;
      done.add(
          clients.submit(
              () -> {
                TlsHttpConnection connection = null;
                try {
                  for (int i = 0; i < ROUNDS * reviews.size(); i++) {
                    if (connection == null) {
                      connection =
                          TlsHttpConnection.open(
                                  files.sslContext(), TestServerFiles.SERVICE_HOST, webhook.port())
                              .readTimeout(Duration.ofSeconds(60));
                    }
                    byte[] review = reviews.get((first + i) % reviews.size());
                    TlsHttpConnection.Response answer;
                    try {
                      answer = connection.post("/mutate", review);
                    } catch (SocketException closed) {
                      // Refused with no room in the budget even to read the rest away: closed
                      // under the client still sending (UnreadBodyDeadline). 0 stands for it.
                      statuses.computeIfAbsent(0, s -> new AtomicLong()).incrementAndGet();
                      connection.close();
                      connection = null;
                      continue;
                    }
                    statuses
                        .computeIfAbsent(answer.status(), s -> new AtomicLong())
                        .incrementAndGet();
                    assertThat(answer.status()).as(answer.text()).isIn(200, 400, 408, 503);
                    if (answer.status() == 200) {
                      assertThat(json(answer.body()).at("/response/uid").asString()).isEqualTo("u");
                      largestAnswered.accumulateAndGet(review.length, Math::max);
                    } else if (answer.status() == 503) {
                      assertThat(answer.headers()).containsKey("Retry-After");
                    } else if (answer.status() == 400) {
                      assertThat(answer.text()).contains("the webhook's limit");
                    }
                    // Tomcat closes the connection after a refusal, saying so.
                    if ("close".equalsIgnoreCase(answer.headers().get("Connection"))) {
                      connection.close();
                      connection = null;
                    }
                  }
                } finally {
                  if (connection != null) {
                    connection.close();
                  }
                }
                return null;
              }));
    }
    for (Future<?> client : done) {
      client.get();
    }
    clients.shutdown();

    System.out.printf(
        "Worst admissible reviews from %d clients: statuses %s, largest answered %d bytes%n",
        CLIENTS, statuses, largestAnswered.get());
    assertThat(webhook.process().isAlive()).as(webhook.log()).isTrue();
    assertThat(webhook.log()).doesNotContain("java.lang.OutOfMemoryError");
    assertThat(statuses.get(200)).isNotNull();
    assertThat(largestAnswered.get()).isGreaterThan(3_500_000);
  }

  /**
   * Property names are not kept from one review to the next: reviews full of made-up names, each
   * 49,000 characters (75 to a 3.7 MB review, all different), one after another. Jackson's shared
   * symbol table kept them, and the seventh such review ended the process with an OutOfMemoryError.
   */
  @Test
  void madeUpPropertyNamesAreNotKeptFromOneReviewToTheNext() throws Exception {
    try (var connection =
        TlsHttpConnection.open(files.sslContext(), TestServerFiles.SERVICE_HOST, webhook.port())) {
      for (int review = 0; review < 40; review++) {
        var names = new StringBuilder();
        for (int i = 0; i < 75; i++) {
          names.append(i == 0 ? "" : ",").append("\"").append(review).append('-').append(i);
          names.append("a".repeat(49_000)).append("\":1");
        }
        byte[] body =
            ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                    + "\"request\":{\"uid\":\"u\",\"made-up\":{"
                    + names
                    + "}}}")
                .getBytes(UTF_8);

        assertThat(connection.post("/mutate", body).status())
            .as("review %d", review)
            .isEqualTo(200);
      }
    }
    assertThat(webhook.process().isAlive()).as(webhook.log()).isTrue();
  }

  /**
   * A body the webhook has no use for is never buffered, whatever its method and type: a form body
   * of 256 MB sent with PUT (Spring's form filter read such a body whole into a string, for PUT,
   * PATCH and DELETE, and ended the process) is refused 405 and not kept; the server may close the
   * connection under the client still sending it. The process stays up and answers.
   */
  @Test
  void aHugeFormBodyIsNeitherParsedNorBuffered() throws Exception {
    byte[] megabyte = "a=b&".repeat(256 * 1024).getBytes(UTF_8);
    int megabytes = 256;
    try (var connection =
        TlsHttpConnection.open(files.sslContext(), TestServerFiles.SERVICE_HOST, webhook.port())) {
      connection.send(
          ("PUT /mutate HTTP/1.1\r\nHost: x\r\n"
                  + "Content-Type: application/x-www-form-urlencoded\r\n"
                  + "Content-Length: "
                  + (long) megabyte.length * megabytes
                  + "\r\n\r\n")
              .getBytes(UTF_8));
      for (int i = 0; i < megabytes; i++) {
        connection.send(megabyte);
      }
      assertThat(connection.readResponse().status()).isEqualTo(405);
    } catch (SocketException closedUnderTheClient) {
      // refused and closed before the whole body was sent: as good, nothing was kept
    }

    assertThat(webhook.process().isAlive()).as(webhook.log()).isTrue();
    try (var connection =
        TlsHttpConnection.open(files.sslContext(), TestServerFiles.SERVICE_HOST, webhook.port())) {
      assertThat(connection.post("/mutate", pod("CREATE", null, 0, 1, 0, 0)).status())
          .isEqualTo(200);
    }
  }

  /**
   * The management port takes no body either: the actuator read one for every endpoint, GET
   * included, into a map of strings without bound, so one request to {@code /actuator/health} with
   * a 64 MB JSON body (plain HTTP, from any pod that reaches the port) ended the process with an
   * OutOfMemoryError. It is refused 413 unread, and the connection closed.
   */
  @Test
  void aHugeBodyToTheManagementPortIsNotRead() throws Exception {
    byte[] megabyte = "x".repeat(1024 * 1024).getBytes(UTF_8);
    int megabytes = 64;
    try (var socket = new Socket(InetAddress.getLoopbackAddress(), webhook.managementPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /actuator/health HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + ((long) megabyte.length * megabytes + 8)
                  + "\r\n\r\n{\"a\":\"")
              .getBytes(UTF_8));
      for (int i = 0; i < megabytes; i++) {
        out.write(megabyte);
      }
      out.write("\"}".getBytes(UTF_8));
      assertThat(new String(socket.getInputStream().readNBytes(12), UTF_8))
          .isEqualTo("HTTP/1.1 413");
    } catch (SocketException closedUnderTheClient) {
      // refused and closed before the whole body was sent: as good, nothing was kept
    }

    assertThat(webhook.process().isAlive()).as(webhook.log()).isTrue();
    assertThat(webhook.readiness()).isEqualTo(200);
  }

  /**
   * The YAML library builds a rules file's whole tree before our bounds are read, ~200 bytes a
   * node: a 1 MiB ConfigMap of one-character list items (524,000 nodes) filled the heap, and the
   * process ended, at the reload and then at every restart. It is refused, the rules in force kept.
   */
  @Test
  void aRulesFileOfHalfAMillionNodesIsRefusedAndTheProcessLives() throws IOException {
    var items = new StringBuilder("rules: [{name: r, namespaces: [a");
    while (items.length() < RulesParser.MAX_CHARACTERS - 10) {
      items.append(",a");
    }
    byte[] rules = Files.readAllBytes(files.rulesFile());
    try {
      files.writeRules(items.append("]}]").toString().getBytes(UTF_8));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> webhook.log().contains("over 100000 YAML nodes"));
    } finally {
      files.writeRules(rules);
    }

    assertThat(webhook.process().isAlive()).as(webhook.log()).isTrue();
    assertThat(webhook.readiness()).isEqualTo(200);
  }

  /**
   * A review of a pod in {@code mirrored-x} (the test rules pin and mirror there) with untagged
   * images, and an annotation of {@code padding} characters.
   */
  static byte[] pod(
      String operation, String subResource, int init, int containers, int ephemeral, int padding) {
    String object = spec(init, containers, ephemeral, padding);
    var review =
        new StringBuilder(
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{"
                + "\"uid\":\"u\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},"
                + "\"namespace\":\"mirrored-x\",\"operation\":\""
                + operation
                + "\",");
    if (subResource != null) {
      review.append("\"subResource\":\"").append(subResource).append("\",");
      review.append("\"oldObject\":").append(spec(init, containers, ephemeral - 1, 0)).append(',');
    }
    return review.append("\"object\":").append(object).append("}}").toString().getBytes(UTF_8);
  }

  private static String spec(int init, int containers, int ephemeral, int padding) {
    var pod = new StringBuilder("{\"metadata\":{\"name\":\"p\",\"annotations\":{\"pad\":\"");
    pod.append("x".repeat(padding)).append("\"}},\"spec\":{");
    list(pod, "initContainers", init).append(',');
    list(pod, "containers", containers).append(',');
    list(pod, "ephemeralContainers", Math.max(0, ephemeral));
    return pod.append("}}").toString();
  }

  private static StringBuilder list(StringBuilder pod, String name, int n) {
    pod.append('"').append(name).append("\":[");
    for (int i = 0; i < n; i++) {
      pod.append(i == 0 ? "" : ",")
          .append("{\"name\":\"")
          .append(name.charAt(0))
          .append(i)
          .append("\",\"image\":\"docker.io/team/app-")
          .append(i)
          .append("\"}");
    }
    return pod.append(']');
  }
}
