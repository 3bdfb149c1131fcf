package dev.pullsecret.webhook.registry;

import static dev.pullsecret.webhook.registry.RegistryMirrorIT.apply;
import static dev.pullsecret.webhook.registry.RegistryMirrorIT.create;
import static dev.pullsecret.webhook.registry.RegistryMirrorIT.images;
import static dev.pullsecret.webhook.registry.RegistryMirrorIT.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.DigestLookup;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.TestContexts;
import dev.pullsecret.webhook.testing.WallClock;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A {@code when: present} mirror that misbehaves never breaks a pod: a stub registry (a TLS socket
 * that writes its answers by hand, so it can also do what no server library lets it: a body after a
 * HEAD, or nothing at all) redirects, answers 401 without a challenge, 429, 503, a web page, or
 * stalls; each keeps the image as it is, with the reason in the warning and its outcome counted.
 * And a pod of hundreds of distinct images asks a mirror about a bounded number of them.
 */
@WallClock
class MirrorFaultsIT {

  private static final Duration BUDGET = Duration.ofMillis(500);
  private static final String UPSTREAM = "upstream.example.com";
  private static final String DIGEST = "sha256:" + "e".repeat(64);

  @TempDir static Path dir;
  private static SSLServerSocket server;
  private static final List<Socket> connections = new CopyOnWriteArrayList<>();
  private static final AtomicInteger requests = new AtomicInteger();
  private static DigestResolver resolver;
  private static AdmissionHandler handler;
  private static final RegistryMirrorIT.RecordingObserver observer =
      new RegistryMirrorIT.RecordingObserver();

  @BeforeAll
  static void start() throws Exception {
    CertificateSet certificates = RegistryProcess.certificates(KeyAlgorithm.ECDSA_P256);
    PemFiles.write(certificates, dir, true);
    server =
        (SSLServerSocket)
            StubHttpsServer.serving(certificates)
                .getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(MirrorFaultsIT::acceptForever);
    resolver = resolver();
    handler = handler(resolver);
    // The first lookup loads the JDK's TLS and HTTP classes (hundreds of ms on a busy machine):
    // paid here, not by the first test's budget.
    handler.decide(create(pod("mirrored", UPSTREAM + "/with-body:0")));
  }

  /** A resolver of its own for a test that fills every slot with stalled lookups. */
  private static DigestResolver resolver() {
    return RegistryProcess.resolverTrusting(dir.resolve(PemFiles.CA_CRT));
  }

  private static AdmissionHandler handler(DigestResolver resolver) {
    String rules =
        """
        rules:
          - name: mirrored
            namespaces: [mirrored]
            images:
              mirrors: [{from: "%s", to: "127.0.0.1:%d/hub", when: present}]
        """
            .formatted(UPSTREAM, server.getLocalPort());
    var loaded =
        new LoadedRules(RulesParser.parse(rules, "rules.yaml"), 1, "test", Instant.EPOCH, "");
    return TestContexts.withDigests(
        () -> loaded, new DigestLookup(resolver, RegistryCredentials.ANONYMOUS, BUDGET, observer));
  }

  @AfterAll
  static void stop() throws IOException {
    if (resolver != null) {
      resolver.close();
    }
    if (server != null) {
      server.close();
    }
    for (Socket socket : connections) {
      socket.close();
    }
  }

  @BeforeEach
  void forgetCounts() {
    observer.mirrors.clear();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          redirect    | error   | error: registry redirected to "https://elsewhere.example.com/v2/x"; redirects are not followed
          no-challenge| error   | error: 401 without a Bearer or Basic challenge
          rate-limited| error   | error: registry answered 429
          unavailable | error   | error: registry answered 503
          forbidden   | error   | error: 403 for hub/forbidden (anonymous)
          page        | error   | error: hub/page:1 is a "text/html", not an image
          untyped     | error   | error: answered 200 for hub/untyped:1 without a manifest media type or digest; not a registry
          stall       | timeout | timeout: no answer from registry
          """)
  void misbehavingMirrorKeepsTheImageAndSaysWhy(String behaviour, String outcome, String why) {
    Pod pod = pod("mirrored", UPSTREAM + "/" + behaviour + ":1");

    long start = System.nanoTime();
    AdmissionDecision decision = handler.decide(create(pod));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(BUDGET.plusMillis(300));
    assertThat(decision.patch()).isEmpty();
    assertThat(decision.warnings())
        .singleElement()
        .satisfies(w -> assertThat(w).contains("not sent to mirror").contains("(" + why));
    assertThat(observer.mirrors).containsExactly(mirror() + " " + outcome);
  }

  /**
   * A body after a HEAD is never read: an answer that names a manifest (media type and digest) is a
   * manifest the mirror holds, and the connection the body was left on is not used again.
   */
  @Test
  void manifestAnsweredWithABodyAfterTheHeadIsPresentAndLeavesNothingBehind() {
    Pod pod = pod("mirrored", UPSTREAM + "/with-body:1", UPSTREAM + "/with-body:2");

    AdmissionDecision decision = handler.decide(create(pod));
    AdmissionDecision again = handler.decide(create(pod("mirrored", UPSTREAM + "/with-body:3")));

    assertThat(images(apply(pod, decision)))
        .containsExactly(mirror() + "/with-body:1", mirror() + "/with-body:2");
    assertThat(again.patch()).isNotEmpty();
    assertThat(observer.mirrors).containsOnly(mirror() + " present").hasSize(3);
  }

  /**
   * The binding bounds a pod at 256 containers per list; each of them distinct, and each asked of a
   * stalled mirror, would hold hundreds of lookups: a review asks about at most 128, at most 8 in
   * flight (max-concurrent), and answers within its budget; every image stays as it is.
   */
  @Test
  void hundredsOfDistinctImagesAskTheMirrorAboutABoundedNumber() {
    Pod pod = pod("mirrored");
    List<Container> containers = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      var c = new Container();
      c.setName("c" + i);
      c.setImage(UPSTREAM + "/stall-many-" + i + ":1");
      containers.add(c);
    }
    pod.getSpec().setContainers(containers);
    int connectionsBefore = connections.size();
    AdmissionDecision decision;
    Duration took;
    int opened;

    try (DigestResolver own = resolver()) {
      long start = System.nanoTime();
      decision = handler(own).decide(create(pod));
      took = Duration.ofNanos(System.nanoTime() - start);
      opened = connections.size() - connectionsBefore; // before closing lets queued lookups run
    }

    assertThat(took).isLessThan(BUDGET.plusMillis(500));
    assertThat(decision.patch()).isEmpty();
    assertThat(observer.mirrors).hasSize(DigestLookup.MAX_LOOKUPS);
    assertThat(opened).isLessThanOrEqualTo(8);
    assertThat(String.join("", decision.warnings()).length()).isLessThan(4096);
    assertThat(decision.warnings())
        .anySatisfy(w -> assertThat(w).contains("more warnings like these"));
  }

  private static String mirror() {
    return "127.0.0.1:" + server.getLocalPort() + "/hub";
  }

  private static void acceptForever() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        connections.add(socket);
        Thread.ofVirtual().start(() -> serve(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  /** HTTP/1.1 on one connection: each request answered as its repository's name says. */
  private static void serve(Socket socket) {
    try {
      var in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = socket.getOutputStream();
      while (true) {
        String requestLine = in.readLine();
        if (requestLine == null) {
          return;
        }
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
          // headers: nothing here depends on them
        }
        requests.incrementAndGet();
        String path = requestLine.split(" ")[1];
        String repository = path.substring("/v2/hub/".length(), path.indexOf("/manifests/"));
        String answer = answer(repository.replaceFirst("^stall-many-\\d+$", "stall"));
        if (answer == null) {
          return; // stall: never answer, keep the connection
        }
        out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static String answer(String behaviour) {
    String body = "{\"schemaVersion\":2}";
    return switch (behaviour) {
      case "redirect" ->
          status("302 Found", "Location: https://elsewhere.example.com/v2/x\r\n", "");
      case "no-challenge" -> status("401 Unauthorized", "", "");
      case "rate-limited" -> status("429 Too Many Requests", "Retry-After: 60\r\n", "");
      case "unavailable" -> status("503 Service Unavailable", "", "");
      case "forbidden" -> status("403 Forbidden", "", "");
      case "page" ->
          status("200 OK", "Content-Type: text/html\r\n", "<html><body>Welcome</body></html>");
      case "untyped" -> status("200 OK", "", "<html><body>Welcome</body></html>");
      case "with-body" ->
          status(
              "200 OK",
              "Content-Type: "
                  + RegistryClient.OCI_MANIFEST
                  + "\r\nDocker-Content-Digest: "
                  + DIGEST
                  + "\r\n",
              body);
      default -> null;
    };
  }

  /** An answer with a Content-Length, and its body written even after a HEAD. */
  private static String status(String status, String headers, String body) {
    return "HTTP/1.1 "
        + status
        + "\r\n"
        + headers
        + "Content-Length: "
        + body.length()
        + "\r\n\r\n"
        + body;
  }
}
