package dev.pullsecret.webhook.tls.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.tls.issuing.CertificateGenerator;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.CertificateSpec;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real TLS handshakes on 127.0.0.1 with a client that behaves like the API server calling a webhook
 * Service: it trusts only the caBundle and checks the host name {@code <svc>.<ns>.svc}.
 */
class TlsHandshakeTest {

  private static final String SERVICE = "pullsecret-webhook";
  private static final String HOST = "pullsecret-webhook.pullsecret-webhook.svc";

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({
    "ECDSA_P256, TLSv1.3",
    "ECDSA_P256, TLSv1.2",
    "RSA_2048, TLSv1.3",
    "RSA_2048, TLSv1.2"
  })
  void clientTrustingOnlyTheCaAcceptsTheServiceHostName(KeyAlgorithm algorithm, String protocol)
      throws Exception {
    CertificateSet set = generate(SERVICE, algorithm, List.of());

    try (var server = new TlsServer(servedFromFiles(set))) {
      assertThat(handshake(server, set.caCertificate(), HOST, protocol)).isEqualTo(protocol);
    }
  }

  @Test
  void certificateForAnotherServiceIsRejected() throws Exception {
    CertificateSet other = generate("other-webhook", KeyAlgorithm.ECDSA_P256, List.of());

    try (var server = new TlsServer(servedFromFiles(other))) {
      assertThatThrownBy(() -> handshake(server, other.caCertificate(), HOST, "TLSv1.3"))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("No subject alternative DNS name matching " + HOST);
    }
  }

  @Test
  void clientTrustingAnotherCaRejectsTheCertificate() throws Exception {
    CertificateSet served = generate(SERVICE, KeyAlgorithm.ECDSA_P256, List.of());
    CertificateSet other = generate(SERVICE, KeyAlgorithm.ECDSA_P256, List.of());

    try (var server = new TlsServer(servedFromFiles(served))) {
      assertThatThrownBy(() -> handshake(server, other.caCertificate(), HOST, "TLSv1.3"))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("PKIX path");
    }
  }

  @Test
  void ipUrlNeedsAnIpSubjectAltName() throws Exception {
    CertificateSet withIp = generate(SERVICE, KeyAlgorithm.ECDSA_P256, List.of("127.0.0.1"));
    CertificateSet withoutIp = generate(SERVICE, KeyAlgorithm.ECDSA_P256, List.of());

    try (var server = new TlsServer(servedFromFiles(withIp))) {
      assertThat(handshake(server, withIp.caCertificate(), "127.0.0.1", "TLSv1.3"))
          .isEqualTo("TLSv1.3");
    }
    try (var server = new TlsServer(servedFromFiles(withoutIp))) {
      assertThatThrownBy(() -> handshake(server, withoutIp.caCertificate(), "127.0.0.1", "TLSv1.3"))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("127.0.0.1");
    }
  }

  /**
   * The JDK client still falls back to the CN when a certificate has no DNS SAN, but Go (the API
   * server) does not. A JDK handshake therefore cannot catch a CN-only certificate; the loader has
   * to, before such a certificate is ever served.
   */
  @Test
  void cnOnlyCertificateWouldPassAJdkClientSoTheLoaderRejectsIt() throws Exception {
    CertificateSet ca = generate(SERVICE, KeyAlgorithm.ECDSA_P256, List.of());
    KeyPair keys = KeyAlgorithm.ECDSA_P256.generateKeyPair(new SecureRandom());
    X509Certificate cnOnly = TestCertificates.cnOnly(ca, HOST, keys);

    try (var server =
        new TlsServer(
            new ServingIdentity(List.of(cnOnly, ca.caCertificate()), keys.getPrivate()))) {
      assertThat(handshake(server, ca.caCertificate(), HOST, "TLSv1.3")).isEqualTo("TLSv1.3");
    }
    Path cert = Files.writeString(dir.resolve("cn-only.crt"), PemFiles.toPem(cnOnly));
    Path key = Files.writeString(dir.resolve("cn-only.key"), PemFiles.toPem(keys.getPrivate()));
    assertThatThrownBy(() -> ServingIdentity.load(cert, key, Clock.systemUTC()))
        .isInstanceOf(InvalidCertificateException.class)
        .hasMessageContaining("legacy Common Name");
  }

  private static CertificateSet generate(String service, KeyAlgorithm algorithm, List<String> ips) {
    return CertificateGenerator.generate(
        new CertificateSpec(
            service, "pullsecret-webhook", List.of(), ips, Duration.ofDays(1), algorithm),
        Clock.systemUTC());
  }

  /** Goes through the files, as the webhook will: generator, PemFiles, loader. */
  private ServingIdentity servedFromFiles(CertificateSet set) throws IOException {
    Path out = Files.createTempDirectory(dir, "certs");
    PemFiles.write(set, out, false);
    return ServingIdentity.load(
        out.resolve(PemFiles.TLS_CRT), out.resolve(PemFiles.TLS_KEY), Clock.systemUTC());
  }

  /**
   * Connects to 127.0.0.1 but presents {@code host} as the peer: SNI and HTTPS endpoint
   * identification then check {@code host}, as they would for the Service name.
   *
   * @return the negotiated protocol
   */
  private static String handshake(
      TlsServer server, X509Certificate trustedCa, String host, String protocol) throws Exception {
    var trust = TrustManagerFactory.getInstance("PKIX");
    trust.init(TestCertificates.trustStore(trustedCa));
    var context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);

    var plain = new Socket(InetAddress.getLoopbackAddress(), server.port());
    plain.setSoTimeout(10_000);
    try (var tls =
        (SSLSocket) context.getSocketFactory().createSocket(plain, host, server.port(), true)) {
      var params = tls.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      params.setProtocols(new String[] {protocol});
      if (!Character.isDigit(host.charAt(0))) {
        params.setServerNames(List.of(new SNIHostName(host)));
      }
      tls.setSSLParameters(params);
      tls.startHandshake();
      assertThat(new String(tls.getInputStream().readNBytes(2), StandardCharsets.US_ASCII))
          .isEqualTo("ok");
      return tls.getSession().getProtocol();
    }
  }

  /** Accepts connections until closed, answering "ok" after each handshake. */
  private static final class TlsServer implements AutoCloseable {
    private final SSLServerSocket socket;

    TlsServer(ServingIdentity identity) throws Exception {
      var keys = KeyManagerFactory.getInstance("PKIX");
      keys.init(
          TestCertificates.keyStore(
              identity.privateKey(), identity.chain().toArray(X509Certificate[]::new)),
          new char[0]);
      var context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      socket =
          (SSLServerSocket)
              context
                  .getServerSocketFactory()
                  .createServerSocket(0, 5, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(this::serve);
    }

    int port() {
      return socket.getLocalPort();
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (var connection = (SSLSocket) socket.accept()) {
          connection.setSoTimeout(10_000);
          connection.startHandshake();
          connection.getOutputStream().write("ok".getBytes(StandardCharsets.US_ASCII));
          connection.getOutputStream().flush();
        } catch (IOException e) {
          // The client rejected the certificate, or the server was closed: both expected here.
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
