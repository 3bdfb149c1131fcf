package dev.pullsecret.webhook.tls.serving;

import static dev.pullsecret.webhook.tls.serving.TestCertificates.pair;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.testing.ConfigMapVolume;
import dev.pullsecret.webhook.testing.Management;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import dev.pullsecret.webhook.testing.TrustingClients;
import dev.pullsecret.webhook.tls.issuing.CertificateGenerator;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.CertificateSpec;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The whole webhook on real TLS, its certificate in a directory laid out like a mounted Secret.
 * Every test starts from a fresh pair of its own CA, rotated in while the server runs; clients
 * connect to 127.0.0.1 but ask for and verify the Service name, as the API server does. What
 * OpenSSL sees of the TLS policy is {@link OpenSslProtocolsIT}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class CertificateRotationIT {

  static final String SERVICE = "pullsecret-webhook";
  static final String NAMESPACE = "pullsecret-webhook";
  static final String SERVICE_HOST = SERVICE + "." + NAMESPACE + ".svc";
  static final Duration WITHIN = Duration.ofSeconds(10);

  private static final Path DIR = tempDir();
  private static final ConfigMapVolume TLS = new ConfigMapVolume(DIR.resolve("tls"));
  private static final byte[] REVIEW =
      Reviews.resource("admission/cases/recorded-01-create-plain-pod.review.json");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    TLS.write(pair(generate(SERVICE, NAMESPACE)));
    Files.write(DIR.resolve("rules.yaml"), Reviews.resource("rules/test-rules.yaml"));
    registry.add("webhook.tls.cert-file", () -> TLS.path("tls.crt").toString());
    registry.add("webhook.tls.key-file", () -> TLS.path("tls.key").toString());
    registry.add("webhook.tls.reload-interval", () -> "100ms");
    registry.add("webhook.rules.file", () -> DIR.resolve("rules.yaml").toString());
    registry.add("management.server.port", () -> "0");
  }

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;
  @Autowired CertificateReloader reloader;

  /** The pair in force when a test starts. */
  private CertificateSet serving;

  @BeforeEach
  void rotateToAFreshPair() {
    serving = rotateTo(generate(SERVICE, NAMESPACE));
  }

  @Nested
  class Rotation {

    @Test
    void newConnectionsGetACertificateFromAnotherCaWithinSeconds() throws Exception {
      CertificateSet next = rotateTo(generate(SERVICE, NAMESPACE));

      try (var connection = connect(next)) {
        assertThat(connection.post("/mutate", REVIEW).status()).isEqualTo(200);
      }
    }

    @Test
    void aKeepAliveConnectionOpenedBeforeTheSwapStillCompletesRequests() throws Exception {
      try (var before = connect(serving)) {
        assertThat(before.post("/mutate", REVIEW).status()).isEqualTo(200);

        rotateTo(generate(SERVICE, NAMESPACE));
        var response = before.post("/mutate", REVIEW);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).contains("\"allowed\":true");
        assertThat(before.serverCertificate()).isEqualTo(serving.servingCertificate());
      }
    }

    @Test
    void theTlsPolicyStillAppliesAfterARotation() throws Exception {
      // The @BeforeEach rotation has replaced Tomcat's SSL context: check it kept the policy.
      try (var tls12 = connect(serving, "TLSv1.2")) {
        assertThat(tls12.protocol()).isEqualTo("TLSv1.2");
        assertThat(tls12.cipherSuite()).matches("TLS_ECDHE_ECDSA_WITH_(AES_\\d+_GCM|CHACHA20).*");
      }
      assertThat(handshakes(new String[] {"TLSv1.1"}, null)).isFalse();
      assertThat(
              handshakes(
                  new String[] {"TLSv1.2"},
                  new String[] {
                    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"
                  }))
          .isFalse();
    }
  }

  @Nested
  class BadFiles {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.tls.serving.CertificateRotationIT#badPairs")
    void keepServingTheOldPairAreCountedAndLoggedThenAGoodPairIsTaken(
        String name, Map<String, byte[]> files, String reason, CapturedOutput output)
        throws Exception {
      double refusedBefore = metric("pullsecret_tls_reloads_total{result=\"refused\"}");

      TLS.write(files);

      await()
          .atMost(WITHIN)
          .until(() -> metric("pullsecret_tls_reloads_total{result=\"refused\"}") > refusedBefore);
      assertThat(metric("pullsecret_tls_reloads_total{result=\"refused\"}"))
          .isEqualTo(refusedBefore + 1);
      assertThat(metric("pullsecret_tls_last_reload_success")).isZero();
      assertThat(served(serving)).isEqualTo(serving.servingCertificate());
      assertThat(output)
          .contains("Refused new certificate files " + TLS.path("tls.crt"))
          .contains(reason);

      CertificateSet good = rotateTo(generate(SERVICE, NAMESPACE));

      assertThat(served(good)).isEqualTo(good.servingCertificate());
      assertThat(metric("pullsecret_tls_last_reload_success")).isEqualTo(1);
    }
  }

  @Nested
  class HostName {

    @Test
    void theServiceNameIsVerifiedAgainstTheSubjectAltNames() throws Exception {
      try (var connection = connect(serving)) {
        var response = connection.post("/mutate", REVIEW);

        assertThat(response.status()).isEqualTo(200);
        assertThat(connection.serverCertificate().getSubjectAlternativeNames())
            .contains(List.of(2, SERVICE_HOST));
      }
    }

    @Test
    void aCertificateForAnotherServiceFailsTheCheck() {
      CertificateSet other = generate("other-webhook", "other-namespace");
      TLS.write(pair(other));
      await()
          .atMost(WITHIN)
          .ignoreException(SSLHandshakeException.class)
          .until(() -> reloader.get().identity().certificate().equals(other.servingCertificate()));

      assertThatThrownBy(() -> connect(other).close())
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining(
              "No subject alternative DNS name matching " + SERVICE_HOST + " found");
    }
  }

  @Nested
  class Expiry {

    @Test
    void theGaugeIsTheNotAfterOfTheCertificateInForce() {
      long notAfter = serving.servingCertificate().getNotAfter().toInstant().getEpochSecond();

      await()
          .atMost(WITHIN)
          .until(() -> metric("pullsecret_tls_certificate_expiry_seconds") == notAfter);
    }

    @Test
    void readinessIncludesTheServingCertificateAndLivenessDoesNot() throws Exception {
      String readiness = Management.get(managementPort, "/actuator/health/readiness").body();
      String liveness = Management.get(managementPort, "/actuator/health/liveness").body();

      JsonNode ready = Reviews.json(readiness.getBytes(StandardCharsets.UTF_8));
      assertThat(ready.at("/status").asString()).isEqualTo("UP");
      assertThat(ready.at("/components/servingCertificate/status").asString()).isEqualTo("UP");
      assertThat(ready.at("/components/servingCertificate/details/sha256").asString())
          .isEqualTo(
              new ServingIdentity(List.of(serving.servingCertificate()), serving.servingKey())
                  .fingerprintSha256());
      assertThat(liveness).doesNotContain("servingCertificate");
    }
  }

  static Stream<Arguments> badPairs() throws Exception {
    CertificateSet b = generate(SERVICE, NAMESPACE);
    CertificateSet c = generate(SERVICE, NAMESPACE);
    CertificateSet expired =
        CertificateGenerator.generate(
            new CertificateSpec(
                SERVICE,
                NAMESPACE,
                List.of(),
                List.of(),
                Duration.ofDays(30),
                KeyAlgorithm.DEFAULT),
            Clock.fixed(Instant.now().minus(Duration.ofDays(40)), ZoneOffset.UTC));
    KeyPair keys = KeyAlgorithm.ECDSA_P256.generateKeyPair(new SecureRandom());
    X509Certificate cnOnly = TestCertificates.cnOnly(b, SERVICE_HOST, keys);
    return Stream.concat(
        TestCertificates.badPairs(b, c, expired),
        Stream.of(
            Arguments.of(
                "host name only in the Common Name",
                Map.of(
                    "tls.crt",
                    PemFiles.toPem(cnOnly).getBytes(US_ASCII),
                    "tls.key",
                    PemFiles.toPem(keys.getPrivate()).getBytes(US_ASCII)),
                "has no subjectAltName")));
  }

  /** Writes the pair like a Secret update and waits until new handshakes get it. */
  private CertificateSet rotateTo(CertificateSet next) {
    TLS.write(pair(next));
    await()
        .atMost(WITHIN)
        .pollInterval(Duration.ofMillis(50))
        .ignoreException(SSLHandshakeException.class)
        .until(() -> served(next).equals(next.servingCertificate()));
    return next;
  }

  /** The certificate a new connection gets, for a client trusting only {@code trusted}'s CA. */
  private X509Certificate served(CertificateSet trusted) throws IOException {
    try (var connection = connect(trusted)) {
      return connection.serverCertificate();
    }
  }

  private TlsHttpConnection connect(CertificateSet trusted) throws IOException {
    return TlsHttpConnection.open(
        TrustingClients.sslContextTrusting(trusted.caCertificate()), SERVICE_HOST, port);
  }

  private TlsHttpConnection connect(CertificateSet trusted, String protocol) throws IOException {
    var context = TrustingClients.sslContextTrusting(trusted.caCertificate());
    var parameters = context.getDefaultSSLParameters();
    parameters.setProtocols(new String[] {protocol});
    return TlsHttpConnection.open(context, parameters, SERVICE_HOST, port);
  }

  /** Whether a client limited to these protocols (and suites, if given) completes a handshake. */
  private boolean handshakes(String[] protocols, String[] suites) throws IOException {
    var context = TrustingClients.sslContextTrusting(serving.caCertificate());
    try (var socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setEnabledProtocols(protocols);
      if (suites != null) {
        socket.setEnabledCipherSuites(suites);
      }
      socket.startHandshake();
      return true;
    } catch (SSLHandshakeException e) {
      return false;
    }
  }

  private double metric(String series) {
    return Management.value(Management.scrape(managementPort), series);
  }

  static CertificateSet generate(String service, String namespace) {
    return CertificateGenerator.generate(
        new CertificateSpec(
            service, namespace, List.of(), List.of(), Duration.ofDays(365), KeyAlgorithm.DEFAULT),
        Clock.systemUTC());
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("pullsecret-webhook-rotation");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
