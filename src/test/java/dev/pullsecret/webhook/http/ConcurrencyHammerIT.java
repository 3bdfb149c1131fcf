package dev.pullsecret.webhook.http;

import static dev.pullsecret.webhook.testing.Reviews.applyPatch;
import static dev.pullsecret.webhook.testing.Reviews.json;
import static dev.pullsecret.webhook.testing.Reviews.pod;
import static dev.pullsecret.webhook.testing.Reviews.pullSecretNames;
import static dev.pullsecret.webhook.testing.Reviews.resource;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.rules.RulesStore;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import dev.pullsecret.webhook.testing.TrustingClients;
import dev.pullsecret.webhook.testing.WallClock;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The real server over TLS under concurrent reviews while its rules file is rewritten every few
 * milliseconds and its serving certificate is rotated: every answer must be whole and computed from
 * one rules version, the one it names in its audit annotations, whatever changed while it was being
 * computed; and no request may fail.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@WallClock
class ConcurrencyHammerIT {

  private static final TestServerFiles FILES = TestServerFiles.create("pullsecret-hammer");
  private static final byte[] REVIEW =
      resource("admission/cases/recorded-01-create-plain-pod.review.json");
  private static final JsonNode POD = json(REVIEW).at("/request/object");

  private static final int CLIENTS = 8;
  private static final Duration RUN = Duration.ofSeconds(4);

  /** New connections are opened this often, so that rotated certificates get seen. */
  private static final int REQUESTS_PER_CONNECTION = 10;

  private static final Duration RULES_EVERY = Duration.ofMillis(10);
  private static final Duration CERTIFICATE_EVERY = Duration.ofMillis(500);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    FILES.properties((name, value) -> registry.add(name, () -> value));
    // Polled as often as rewritten: a rules version then lasts a few requests, not hundreds, so a
    // request that read the rules twice would soon be caught straddling a reload.
    registry.add("webhook.rules.poll-interval", () -> RULES_EVERY.toMillis() + "ms");
  }

  @LocalServerPort int port;

  /** What namespace default gets under each rules version written, by the version's digest. */
  private final Map<String, Expected> expected = new ConcurrentHashMap<>();

  private final AtomicInteger rulesWritten = new AtomicInteger();
  private final List<CertificateSet> rotation =
      Stream.generate(TestServerFiles::generateCertificates).limit(4).toList();
  private final AtomicInteger rotations = new AtomicInteger();

  private final AtomicInteger answered = new AtomicInteger();
  private final Set<String> versionsAnswered = ConcurrentHashMap.newKeySet();
  private final Set<X509Certificate> certificatesServed = ConcurrentHashMap.newKeySet();

  private record Expected(String rule, String secret) {}

  @Test
  void everyAnswerIsWholeAndFromTheRulesVersionItNamesWhileRulesAndCertificateChange()
      throws Exception {
    // The rules in force at start-up (test-rules.yaml) give namespace default this secret.
    expected.put(
        RulesStore.digest(resource("rules/test-rules.yaml")),
        new Expected("default-namespace", "injected-pull-secret"));
    SSLContext caBundle = TrustingClients.sslContextTrusting(everyCa());
    // One review first, alone: reading the first answer back as a Pod warms this JVM's JSON
    // mapper for seconds on a busy machine, time the run below would otherwise lose.
    try (var connection = TlsHttpConnection.open(caBundle, TestServerFiles.SERVICE_HOST, port)) {
      checkAnswer("first", connection.post("/mutate", review("first")));
    }
    long deadline = System.nanoTime() + RUN.toNanos();

    ScheduledExecutorService changes = Executors.newScheduledThreadPool(2);
    try (var clients = Executors.newFixedThreadPool(CLIENTS)) {
      changes.scheduleAtFixedRate(
          this::writeNextRules, 0, RULES_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      changes.scheduleAtFixedRate(
          this::rotateCertificate, 0, CERTIFICATE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      List<Future<?>> running = new ArrayList<>();
      for (int client = 0; client < CLIENTS; client++) {
        int id = client;
        running.add(clients.submit(() -> hammer(id, caBundle, deadline)));
      }
      for (Future<?> client : running) {
        client.get(); // rethrows the first failed request or assertion of that client
      }
    } finally {
      changes.shutdownNow();
    }

    assertThat(answered).as("reviews answered").hasValueGreaterThan(CLIENTS * 10);
    assertThat(versionsAnswered).as("rules versions answered with").hasSizeGreaterThan(3);
    assertThat(certificatesServed)
        .as("new connections saw rotated certificates")
        .containsAnyElementsOf(rotation.stream().map(CertificateSet::servingCertificate).toList());
    assertThat(rotations).as("certificate rotations").hasValueGreaterThan(1);
  }

  /** One client: new connections one after the other, each with a few reviews, until deadline. */
  private Void hammer(int client, SSLContext caBundle, long deadline) throws IOException {
    int sent = 0;
    while (System.nanoTime() < deadline) {
      try (var connection = TlsHttpConnection.open(caBundle, TestServerFiles.SERVICE_HOST, port)) {
        certificatesServed.add(connection.serverCertificate());
        for (int i = 0; i < REQUESTS_PER_CONNECTION && System.nanoTime() < deadline; i++) {
          String uid = "hammer-" + client + "-" + sent++;
          checkAnswer(uid, connection.post("/mutate", review(uid)));
        }
      }
    }
    return null;
  }

  /**
   * The answer is a well-formed patch for this review, and what it injects is exactly what the
   * rules version named in its audit annotations gives: never a secret of another version.
   */
  private void checkAnswer(String uid, TlsHttpConnection.Response http) {
    assertThat(http.status()).as("status of %s: %s", uid, http.text()).isEqualTo(200);
    JsonNode answer = json(http.body());
    assertThat(answer.path("apiVersion").asString()).isEqualTo("admission.k8s.io/v1");
    assertThat(answer.path("kind").asString()).isEqualTo("AdmissionReview");
    JsonNode response = answer.path("response");
    assertThat(response.path("uid").asString()).isEqualTo(uid);
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("patchType").asString()).isEqualTo("JSONPatch");

    String version = response.at("/auditAnnotations/rules-version").asString();
    Expected rules = expected.get(digestOf(version));
    assertThat(rules).as("rules %s were written by this test", version).isNotNull();
    assertThat(response.at("/auditAnnotations/rule").asString())
        .as("rule that answered %s under rules %s", uid, version)
        .isEqualTo(rules.rule());
    assertThat(response.at("/auditAnnotations/pull-secrets").asString())
        .as("secrets announced to %s under rules %s", uid, version)
        .isEqualTo(rules.secret());
    assertThat(pullSecretNames(pod(applyPatch(POD, answer))))
        .as("secrets injected by %s under rules %s", uid, version)
        .containsExactly(rules.secret());
    answered.incrementAndGet();
    versionsAnswered.add(version);
  }

  /** Version n gives namespace default the secret regcred-n, with a rule named version-n. */
  private void writeNextRules() {
    int n = rulesWritten.incrementAndGet();
    byte[] content =
        """
        pullSecrets: [{name: regcred-%d}]
        rules: [{name: version-%d, namespaces: [default], pullSecrets: [regcred-%d]}]
        """
            .formatted(n, n, n)
            .getBytes(UTF_8);
    // Recorded before the write, so no answer can name a version the test does not know yet.
    expected.put(RulesStore.digest(content), new Expected("version-" + n, "regcred-" + n));
    FILES.writeRules(content);
  }

  private void rotateCertificate() {
    FILES.serve(rotation.get(rotations.getAndIncrement() % rotation.size()));
  }

  /** The CA of the certificate served at start-up and those of every rotated one. */
  private List<X509Certificate> everyCa() {
    var cas = new ArrayList<X509Certificate>();
    cas.add(FILES.certificates().caCertificate());
    rotation.forEach(set -> cas.add(set.caCertificate()));
    return cas;
  }

  /** {@code rules-version} is {@code <generation>/<digest>}; only the digest names the content. */
  private static String digestOf(String version) {
    return version.substring(version.indexOf('/') + 1);
  }

  private static byte[] review(String uid) {
    ObjectNode review = (ObjectNode) json(REVIEW);
    ((ObjectNode) review.get("request")).put("uid", uid);
    return Reviews.JSON.writeValueAsBytes(review);
  }
}
