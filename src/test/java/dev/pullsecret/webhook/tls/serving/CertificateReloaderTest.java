package dev.pullsecret.webhook.tls.serving;

import static dev.pullsecret.webhook.tls.serving.TestCertificates.keyPem;
import static dev.pullsecret.webhook.tls.serving.TestCertificates.pair;
import static dev.pullsecret.webhook.tls.serving.TestCertificates.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.testing.ConfigMapVolume;
import dev.pullsecret.webhook.testing.TestClock;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class CertificateReloaderTest {

  private static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");
  private static final CertificateSet A = generate(NOW);
  private static final CertificateSet B = generate(NOW);
  private static final CertificateSet C = generate(NOW);
  private static final CertificateSet EXPIRED = generate(NOW.minus(Duration.ofDays(40)));

  /** Issued by a clock an hour ahead: not valid yet at {@link #NOW}. */
  private static final CertificateSet LATER = generate(NOW.plus(Duration.ofHours(1)));

  @TempDir Path dir;

  private final TestClock clock = new TestClock(NOW);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<CertificateFiles.Loaded> served = new ArrayList<>();
  private boolean tlsServerRejects;
  private ConfigMapVolume volume;
  private CertificateReloader reloader;

  @BeforeEach
  void serveA() {
    volume = new ConfigMapVolume(dir.resolve("tls"));
    volume.write(pair(A));
    reloader = start(files(volume));
  }

  @AfterEach
  void stop() {
    reloader.close();
  }

  @Nested
  class StartUp {

    @Test
    void putsThePairOfTheFilesInForce() {
      assertThat(fingerprint(reloader.get())).isEqualTo(fingerprint(A));
      assertThat(reloads("loaded")).isEqualTo(1);
    }

    @Test
    void theExpiryGaugeIsTheNotAfterOfThePairInForceInEpochSeconds() {
      assertThat(registry.get("pullsecret.tls.certificate.expiry").gauge().value())
          .isEqualTo(A.servingCertificate().getNotAfter().toInstant().getEpochSecond());
    }

    @Test
    void failsNamingTheMissingFile() {
      Path missing = dir.resolve("absent/tls.crt");
      var files = new CertificateFiles(missing, volume.path("tls.key"), null, clock);

      assertThatThrownBy(() -> start(files))
          .isInstanceOf(InvalidCertificateException.class)
          .hasMessage(missing + ": file does not exist");
    }

    @Test
    void failsOnAKeyOfAnotherCertificate() {
      volume.write(Map.of("tls.crt", pem(B), "tls.key", keyPem(C)));

      assertThatThrownBy(() -> start(files(volume)))
          .isInstanceOf(InvalidCertificateException.class)
          .hasMessageContaining("does not match");
    }

    @Test
    void readsTheClientCaWhenOneIsConfigured() throws Exception {
      Path ca = dir.resolve("client-ca.crt");
      Files.writeString(ca, PemFiles.toPem(C.caCertificate()));
      var files = new CertificateFiles(volume.path("tls.crt"), volume.path("tls.key"), ca, clock);

      try (var withCa = start(files)) {
        assertThat(withCa.get().clientCas()).containsExactly(C.caCertificate());
      }
    }
  }

  @Nested
  class Rotation {

    @Test
    void putsANewPairInForceOnTheNextCheck() {
      volume.write(pair(B));

      boolean changed = reloader.check();

      assertThat(changed).isTrue();
      assertThat(fingerprint(reloader.get())).isEqualTo(fingerprint(B));
      assertThat(served).extracting(loaded -> fingerprint(loaded)).containsExactly(fingerprint(B));
      assertThat(reloads("loaded")).isEqualTo(2);
      assertThat(registry.get("pullsecret.tls.certificate.expiry").gauge().value())
          .isEqualTo(B.servingCertificate().getNotAfter().toInstant().getEpochSecond());
    }

    @Test
    void leavesTheTlsServerAloneWhileTheFilesAreUnchanged() {
      boolean changed = reloader.check();

      assertThat(changed).isFalse();
      assertThat(served).isEmpty();
    }

    @Test
    void putsANewClientCaInForce() throws Exception {
      Path ca = dir.resolve("client-ca.crt");
      Files.writeString(ca, PemFiles.toPem(B.caCertificate()));
      reloader.close();
      reloader =
          start(new CertificateFiles(volume.path("tls.crt"), volume.path("tls.key"), ca, clock));

      Files.writeString(ca, PemFiles.toPem(C.caCertificate()));
      boolean changed = reloader.check();

      assertThat(changed).isTrue();
      assertThat(reloader.get().clientCas()).containsExactly(C.caCertificate());
    }

    @Test
    void waitsQuietlyForTheKeyWhenFilesAreWrittenOneAfterTheOther() throws Exception {
      Path plain = Files.createDirectories(dir.resolve("plain"));
      Files.write(plain.resolve("tls.crt"), pem(A));
      Files.write(plain.resolve("tls.key"), keyPem(A));
      reloader.close();
      reloader =
          start(
              new CertificateFiles(
                  plain.resolve("tls.crt"), plain.resolve("tls.key"), null, clock));

      Files.write(plain.resolve("tls.crt"), pem(B));
      boolean betweenWrites = reloader.check();
      Files.write(plain.resolve("tls.key"), keyPem(B));
      boolean afterBoth = reloader.check();

      assertThat(betweenWrites).isFalse();
      assertThat(afterBoth).isTrue();
      assertThat(fingerprint(reloader.get())).isEqualTo(fingerprint(B));
      assertThat(reloads("refused")).isZero();
    }
  }

  @Nested
  class Refusal {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.tls.serving.CertificateReloaderTest#badPairs")
    void keepsTheOldPairAndReportsOnceWhyTheNewOneIsRefused(
        String name, Map<String, byte[]> bad, String reason, CapturedOutput output) {
      volume.write(bad);

      reloader.check();
      reloader.check();
      reloader.check();

      assertThat(fingerprint(reloader.get())).isEqualTo(fingerprint(A));
      assertThat(served).isEmpty();
      assertThat(reloads("refused")).isEqualTo(1);
      assertThat(registry.get("pullsecret.tls.last.reload.success").gauge().value()).isZero();
      assertThat(output.getAll().split("Refused new certificate files", -1)).hasSize(2);
      assertThat(output)
          .contains("Refused new certificate files " + volume.path("tls.crt"))
          .contains("still serving SHA-256 " + fingerprint(A))
          .contains(reason);
    }

    @Test
    void doesNotReportABrokenPairSeenOnlyOnce() {
      volume.write(Map.of("tls.crt", pem(B), "tls.key", keyPem(C)));

      reloader.check();

      assertThat(reloads("refused")).isZero();
    }

    @Test
    void reportsEachDistinctBrokenContent() {
      volume.write(Map.of("tls.crt", pem(B), "tls.key", keyPem(C)));
      reloader.check();
      reloader.check();
      volume.write(Map.of("tls.crt", pem(C), "tls.key", keyPem(B)));
      reloader.check();
      reloader.check();

      assertThat(reloads("refused")).isEqualTo(2);
    }

    @Test
    void putsAGoodPairInForceAfterABadOne() {
      volume.write(Map.of("tls.crt", pem(B), "tls.key", keyPem(C)));
      reloader.check();
      reloader.check();

      volume.write(pair(C));
      boolean changed = reloader.check();

      assertThat(changed).isTrue();
      assertThat(fingerprint(reloader.get())).isEqualTo(fingerprint(C));
    }

    /**
     * A pair issued by a machine whose clock runs ahead is refused as not valid yet ("check the
     * clocks"); once it is valid it must be put in force. Before, refused content was never read
     * again while the files stayed the same: the old pair was served until it expired, with the new
     * one on disk.
     */
    @Test
    void putsAPairNotValidYetInForceOnceItIsValidReportingItOnce(CapturedOutput output) {
      volume.write(pair(LATER));
      reloader.check();
      reloader.check();
      reloader.check();
      assertThat(fingerprint(reloader.get())).isEqualTo(fingerprint(A));

      clock.set(LATER.servingCertificate().getNotBefore().toInstant());
      boolean changed = reloader.check();

      assertThat(changed).isTrue();
      assertThat(fingerprint(reloader.get())).isEqualTo(fingerprint(LATER));
      assertThat(reloads("refused")).isEqualTo(1);
      assertThat(output.getAll().split("Refused new certificate files", -1)).hasSize(2);
      assertThat(registry.get("pullsecret.tls.last.reload.success").gauge().value()).isOne();
    }

    /**
     * The pair not valid yet is taken out and the pair in force put back: nothing is refused any
     * more. Before, the same content as in force was never read again, so the last reload stayed
     * refused (0) and PullSecretWebhookCertificateReloadRefused fired until a restart.
     */
    @Test
    void isNoLongerRefusedOnceThePairInForceIsPutBackInPlaceOfOneNotValidYet() {
      volume.write(pair(LATER));
      reloader.check();
      reloader.check();
      assertThat(registry.get("pullsecret.tls.last.reload.success").gauge().value()).isZero();

      volume.write(pair(A));
      reloader.check();

      assertThat(fingerprint(reloader.get())).isEqualTo(fingerprint(A));
      assertThat(registry.get("pullsecret.tls.last.reload.success").gauge().value()).isOne();
      clock.set(LATER.servingCertificate().getNotBefore().toInstant());
      reloader.check();
      assertThat(fingerprint(reloader.get())).isEqualTo(fingerprint(A));
    }

    @Test
    void keepsTheOldPairWhenTheTlsServerCannotUseTheNewOne(CapturedOutput output) {
      tlsServerRejects = true;
      volume.write(pair(B));

      reloader.check();
      reloader.check();

      assertThat(fingerprint(reloader.get())).isEqualTo(fingerprint(A));
      assertThat(reloads("refused")).isEqualTo(1);
      assertThat(output)
          .contains("Refused new certificate files")
          .contains("the TLS server could not use the new pair: keystore rejected");
    }
  }

  @Nested
  class ExpiryWarnings {

    private final Instant notAfter = A.servingCertificate().getNotAfter().toInstant();

    @BeforeEach
    void warnUnderThirtyDaysLeft() {
      reloader.close();
      reloader = start(files(volume), Duration.ofDays(30));
    }

    @Test
    void staysQuietWhileMoreThanTheThresholdIsLeft(CapturedOutput output) {
      clock.set(notAfter.minus(Duration.ofDays(31)));

      reloader.polled(reloader.get());

      assertThat(warningsIn(output)).isZero();
    }

    @Test
    void warnsWithTheFileFingerprintAndDaysLeftOnceUnderTheThreshold(CapturedOutput output) {
      clock.set(notAfter.minus(Duration.ofDays(29)).minusSeconds(60));

      reloader.polled(reloader.get());

      assertThat(warningsIn(output)).isOne();
      assertThat(output)
          .contains("WARN")
          .contains("Serving certificate " + volume.path("tls.crt") + " (SHA-256 " + fingerprint(A))
          .contains("expires in 29 day(s), at " + notAfter);
    }

    @Test
    void warnsAgainOnlyAfterADay(CapturedOutput output) {
      clock.set(notAfter.minus(Duration.ofDays(10)));
      reloader.polled(reloader.get());

      clock.advance(Duration.ofHours(23));
      reloader.polled(reloader.get());
      int sameDay = warningsIn(output);
      clock.advance(Duration.ofHours(1));
      reloader.polled(reloader.get());

      assertThat(sameDay).isOne();
      assertThat(warningsIn(output)).isEqualTo(2);
    }

    @Test
    void warnsAtOnceForANewCertificateThatIsAlsoShortLived(CapturedOutput output) {
      clock.set(notAfter.minus(Duration.ofDays(10)));
      reloader.polled(reloader.get());

      volume.write(pair(B));
      reloader.check();

      assertThat(warningsIn(output)).isEqualTo(2);
    }

    @Test
    void saysExpiredOnceTheCertificateHasExpired(CapturedOutput output) {
      clock.set(notAfter.plusSeconds(1));

      reloader.polled(reloader.get());

      assertThat(output).contains("EXPIRED at " + notAfter).contains("readiness is DOWN");
    }

    private static int warningsIn(CapturedOutput output) {
      return output.getAll().split("\\) expires in ", -1).length - 1;
    }
  }

  @Nested
  class Readiness {

    private final Instant notAfter = A.servingCertificate().getNotAfter().toInstant();

    @Test
    void isUpWithTheCertificateDetailsWhileValid() {
      Health health = reloader.health();

      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails())
          .containsEntry("file", volume.path("tls.crt").toString())
          .containsEntry("sha256", fingerprint(A))
          .containsEntry("notAfter", notAfter.toString())
          .containsEntry(
              "dnsNames",
              List.of(
                  "pullsecret-webhook",
                  "pullsecret-webhook.pullsecret-webhook",
                  "pullsecret-webhook.pullsecret-webhook.svc",
                  "pullsecret-webhook.pullsecret-webhook.svc.cluster.local"));
    }

    /**
     * The API server refuses a chain one of whose certificates has expired: a serving certificate
     * that outlives its CA (in {@code tls.crt}) stops working with the CA. Before, readiness, the
     * expiry gauge and the expiry warnings all read the serving certificate's notAfter: the pair
     * failed every handshake while the pod stayed ready and no alert fired.
     */
    @Test
    void goesDownAndWarnsWhenTheCaInTheChainExpiresBeforeTheServingCertificate(
        CapturedOutput output) throws Exception {
      Instant caNotAfter = A.caCertificate().getNotAfter().toInstant();
      volume.write(TestCertificates.chainUntil(A, caNotAfter.plus(Duration.ofDays(300))));
      assertThat(reloader.check()).isTrue();

      assertThat(registry.get("pullsecret.tls.certificate.expiry").gauge().value())
          .isEqualTo(caNotAfter.getEpochSecond());
      clock.set(caNotAfter.plusSeconds(1));
      assertThat(reloader.health().getStatus()).isEqualTo(Status.DOWN);
      reloader.polled(reloader.get());
      assertThat(output).contains("EXPIRED at " + caNotAfter);
    }

    @Test
    void isStillUpAtTheLastSecondOfValidity() {
      clock.set(notAfter);

      assertThat(reloader.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void isDownOnceTheCertificateHasExpired() {
      clock.set(notAfter.plusSeconds(1));

      Health health = reloader.health();

      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails()).containsEntry("reason", "expired");
    }

    @Test
    void isDownBeforeTheCertificateIsValid() {
      clock.set(NOW.minus(Duration.ofHours(1)));

      Health health = reloader.health();

      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails()).containsEntry("reason", "not yet valid");
    }
  }

  static Stream<Arguments> badPairs() {
    return TestCertificates.badPairs(B, C, EXPIRED);
  }

  private CertificateReloader start(CertificateFiles files) {
    return start(files, Duration.ZERO);
  }

  private CertificateReloader start(CertificateFiles files, Duration warningThreshold) {
    var started = new CertificateReloader(files, registry, warningThreshold);
    // The background poll is a day away: each test checks when it wants to.
    started.watch(
        Duration.ofDays(1),
        next -> {
          if (tlsServerRejects) {
            throw new IllegalArgumentException("keystore rejected");
          }
          served.add(next);
        });
    return started;
  }

  private CertificateFiles files(ConfigMapVolume volume) {
    return new CertificateFiles(volume.path("tls.crt"), volume.path("tls.key"), null, clock);
  }

  private static String fingerprint(CertificateFiles.Loaded loaded) {
    return loaded.identity().fingerprintSha256();
  }

  private static String fingerprint(CertificateSet set) {
    return new ServingIdentity(List.of(set.servingCertificate()), set.servingKey())
        .fingerprintSha256();
  }

  private static CertificateSet generate(Instant at) {
    return TestCertificates.issuedAt(at, Duration.ofDays(30));
  }

  private double reloads(String result) {
    return registry.get("pullsecret.tls.reloads").tag("result", result).counter().count();
  }
}
