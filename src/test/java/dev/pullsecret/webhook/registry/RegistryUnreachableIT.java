package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.registry.Lookup.Failure;
import dev.pullsecret.webhook.testing.WallClock;
import dev.pullsecret.webhook.tls.issuing.CertificateGenerator;
import dev.pullsecret.webhook.tls.issuing.CertificateSpec;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a lookup says when it cannot reach a registry, against a real one that is stopped, frozen,
 * unknown or untrusted, and one whose token service is down: the kind of failure and a message
 * naming the host and port and the cause, where the JDK's own exception says {@code null}.
 */
@WallClock
class RegistryUnreachableIT {

  private static final RegistryCredential USER =
      new RegistryCredential("registry.test", "puller", "unreachable-pass");

  @TempDir Path dir;
  private RegistryProcess registry;

  @AfterEach
  void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void stoppedRegistryIsAnErrorSayingTheConnectionWasRefused() {
    registry = RegistryProcess.withHtpasswd(dir, USER.username(), USER.password());
    String domain = registry.domain();
    registry.close();

    RegistryException e = lookUp(trustingRegistry(Duration.ofSeconds(2)), domain);

    assertThat(e.lookup().failure()).isEqualTo(Failure.ERROR);
    assertThat(e.getMessage())
        .isEqualTo("registry \"" + domain + "\" unreachable: connection refused");
  }

  @Test
  void frozenRegistryIsATimeoutSayingNoConnectionWasMadeInTime() {
    registry = RegistryProcess.withHtpasswd(dir, USER.username(), USER.password());
    registry.freeze();

    RegistryException e = lookUp(trustingRegistry(Duration.ofMillis(300)), registry.domain());

    assertThat(e.lookup().failure()).isEqualTo(Failure.TIMEOUT);
    assertThat(e.getMessage())
        .isEqualTo(
            "registry \"" + registry.domain() + "\" unreachable: no connection within 300 ms");
  }

  /** {@code .invalid} never resolves (RFC 6761), whatever the resolver. */
  @Test
  void unknownHostIsAnErrorSayingItsNameDoesNotResolve() {
    RegistryException e =
        lookUp(
            new RegistryClient(
                () -> TrustBundle.sslContext(Optional.empty()),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5)),
            "registry.pullsecret-test.invalid:5000");

    assertThat(e.lookup().failure()).isEqualTo(Failure.ERROR);
    assertThat(e.getMessage())
        .isEqualTo("registry \"registry.pullsecret-test.invalid:5000\" unreachable: host unknown");
  }

  @Test
  void untrustedCertificateIsATlsFailureSayingItsCaIsNotTrusted() {
    registry = RegistryProcess.withHtpasswd(dir, USER.username(), USER.password());
    var jdkCasOnly =
        new RegistryClient(
            () -> TrustBundle.sslContext(Optional.empty()),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5));

    RegistryException e = lookUp(jdkCasOnly, registry.domain());

    assertThat(e.lookup().failure()).isEqualTo(Failure.ERROR);
    assertThat(e.getMessage())
        .isEqualTo(
            "registry \""
                + registry.domain()
                + "\" unreachable: TLS handshake failed: certificate not issued by a trusted CA");
  }

  @Test
  void expiredCertificateIsATlsFailureSayingItExpired() {
    Clock twoDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC);
    var spec =
        new CertificateSpec(
            "registry",
            "test",
            List.of("localhost"),
            List.of("127.0.0.1"),
            Duration.ofDays(1),
            KeyAlgorithm.ECDSA_P256);
    registry =
        RegistryProcess.withHtpasswd(
            dir, CertificateGenerator.generate(spec, twoDaysAgo), USER.username(), USER.password());

    RegistryException e = lookUp(trustingRegistry(Duration.ofSeconds(2)), registry.domain());

    assertThat(e.getMessage())
        .isEqualTo(
            "registry \""
                + registry.domain()
                + "\" unreachable: TLS handshake failed: certificate expired");
  }

  @Test
  void tokenServiceThatIsDownIsNamedRatherThanTheRegistry() throws IOException {
    int closedPort;
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    var certificates = RegistryProcess.certificates(KeyAlgorithm.ECDSA_P256);
    registry =
        RegistryProcess.withTokenAuth(
            dir, certificates, "https://127.0.0.1:" + closedPort + "/token", TokenService.SERVICE);

    RegistryException e = lookUp(trustingRegistry(Duration.ofSeconds(2)), registry.domain());

    assertThat(e.lookup().failure()).isEqualTo(Failure.ERROR);
    assertThat(e.getMessage())
        .isEqualTo(
            "token service \"127.0.0.1:" + closedPort + "\" unreachable: connection refused");
  }

  private RegistryClient trustingRegistry(Duration connectTimeout) {
    return new RegistryClient(
        () -> TrustBundle.sslContext(Optional.of(dir.resolve(PemFiles.CA_CRT))),
        connectTimeout,
        Duration.ofSeconds(5));
  }

  private static RegistryException lookUp(RegistryClient client, String domain) {
    ImageReference image = ImageReference.parse(domain + "/team/app:1");
    RegistryException e =
        catchThrowableOfType(
            RegistryException.class, () -> client.resolve(image, Optional.of(USER)));
    assertThat(e).as("a failed lookup of " + image).isNotNull();
    return e;
  }
}
