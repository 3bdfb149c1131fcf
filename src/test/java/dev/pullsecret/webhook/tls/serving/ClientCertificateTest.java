package dev.pullsecret.webhook.tls.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import dev.pullsecret.webhook.testing.TrustingClients;
import dev.pullsecret.webhook.tls.issuing.CertificateGenerator;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.CertificateSpec;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Mutual TLS: with {@code webhook.tls.client-ca-file} set, only clients presenting a certificate
 * signed by that CA (the API server, configured with a client certificate for this webhook) get an
 * answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ClientCertificateTest {

  private static final String SERVICE_HOST = TestServerFiles.SERVICE_HOST;
  private static final CertificateSet SERVING =
      generate(TestServerFiles.SERVICE, TestServerFiles.NAMESPACE);
  private static final CertificateSet CLIENT_CA = generate("client", "ca");
  private static final CertificateSet OTHER_CA = generate("other", "ca");
  private static final byte[] REVIEW =
      Reviews.resource("admission/cases/recorded-01-create-plain-pod.review.json");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("pullsecret-webhook-mtls");
    PemFiles.write(SERVING, dir.resolve("tls"), true);
    Files.writeString(dir.resolve("client-ca.crt"), PemFiles.toPem(CLIENT_CA.caCertificate()));
    Files.write(dir.resolve("rules.yaml"), Reviews.resource("rules/test-rules.yaml"));
    registry.add("webhook.tls.cert-file", () -> dir.resolve("tls/tls.crt").toString());
    registry.add("webhook.tls.key-file", () -> dir.resolve("tls/tls.key").toString());
    registry.add("webhook.tls.client-ca-file", () -> dir.resolve("client-ca.crt").toString());
    registry.add("webhook.rules.file", () -> dir.resolve("rules.yaml").toString());
    registry.add("management.server.port", () -> "0");
  }

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;

  @Test
  void answersAClientWithACertificateSignedByTheClientCa() throws Exception {
    SSLContext apiServer = withClientCertificate(CLIENT_CA);

    try (var connection = TlsHttpConnection.open(apiServer, SERVICE_HOST, port)) {
      var response = connection.post("/mutate", REVIEW);

      assertThat(response.status()).isEqualTo(200);
    }
  }

  @Test
  void refusesAClientWithoutACertificate() {
    SSLContext anonymous = TrustingClients.sslContextTrusting(SERVING.caCertificate());

    // In TLS 1.3 the client may finish its handshake before the server's refusal arrives, so the
    // refusal can surface on the first read rather than in startHandshake.
    assertThatThrownBy(() -> postWith(anonymous)).isInstanceOf(IOException.class);
  }

  @Test
  void refusesAClientCertificateSignedByAnotherCa() {
    SSLContext stranger = withClientCertificate(OTHER_CA);

    assertThatThrownBy(() -> postWith(stranger)).isInstanceOf(IOException.class);
  }

  @Test
  void leavesTheManagementPortOpenToProbesWithoutCertificates() throws Exception {
    try (var client = HttpClient.newHttpClient()) {
      var response =
          client.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://localhost:" + managementPort + "/actuator/health/readiness"))
                  .build(),
              BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
    }
  }

  private int postWith(SSLContext context) throws IOException {
    try (var connection = TlsHttpConnection.open(context, SERVICE_HOST, port)) {
      return connection.post("/mutate", REVIEW).status();
    }
  }

  private static SSLContext withClientCertificate(CertificateSet issuer) {
    try {
      KeyPair keys = KeyAlgorithm.ECDSA_P256.generateKeyPair(new SecureRandom());
      X509Certificate certificate = TestCertificates.client(issuer, "kube-apiserver", keys);
      return TrustingClients.sslContextWithClientCertificate(
          SERVING.caCertificate(), keys.getPrivate(), certificate);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static CertificateSet generate(String service, String namespace) {
    return CertificateGenerator.generate(
        new CertificateSpec(
            service, namespace, List.of(), List.of(), Duration.ofDays(365), KeyAlgorithm.DEFAULT),
        Clock.systemUTC());
  }
}
