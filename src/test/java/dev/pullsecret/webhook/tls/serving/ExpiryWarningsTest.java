package dev.pullsecret.webhook.tls.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class ExpiryWarningsTest {

  private static final Instant ISSUED = Instant.parse("2030-06-01T12:00:00Z");
  private static final LoadedCertificates CERT = loaded(ISSUED);
  private static final Instant NOT_AFTER = CERT.identity().notAfter();

  private final TestClock clock = new TestClock(ISSUED);
  private final ExpiryWarnings warnings = new ExpiryWarnings(Duration.ofDays(30), clock);

  @Test
  void staysQuietWhileMoreThanTheThresholdIsLeft() {
    clock.set(NOT_AFTER.minus(Duration.ofDays(31)));

    assertThat(warnings.check(CERT)).isFalse();
  }

  @Test
  void warnsWithTheFileFingerprintAndDaysLeftOnceUnderTheThreshold(CapturedOutput output) {
    clock.set(NOT_AFTER.minus(Duration.ofDays(29)).minusSeconds(60));

    boolean warned = warnings.check(CERT);

    assertThat(warned).isTrue();
    assertThat(output)
        .contains("WARN")
        .contains("Serving certificate /tls/tls.crt")
        .contains(CERT.identity().fingerprintSha256())
        .contains("expires in 29 day(s), at " + NOT_AFTER);
  }

  @Test
  void warnsAgainOnlyAfterADay() {
    clock.set(NOT_AFTER.minus(Duration.ofDays(10)));
    warnings.check(CERT);

    clock.advance(Duration.ofHours(23));
    boolean sameDay = warnings.check(CERT);
    clock.advance(Duration.ofHours(1));
    boolean nextDay = warnings.check(CERT);

    assertThat(sameDay).isFalse();
    assertThat(nextDay).isTrue();
  }

  @Test
  void warnsAtOnceForANewCertificateThatIsAlsoShortLived() {
    clock.set(NOT_AFTER.minus(Duration.ofDays(10)));
    warnings.check(CERT);

    boolean warned = warnings.check(loaded(ISSUED));

    assertThat(warned).isTrue();
  }

  @Test
  void saysExpiredOnceTheCertificateHasExpired(CapturedOutput output) {
    clock.set(NOT_AFTER.plusSeconds(1));

    warnings.check(CERT);

    assertThat(output).contains("EXPIRED at " + NOT_AFTER).contains("readiness is DOWN");
  }

  /** A 90-day certificate issued, and loaded, at {@code issued}. */
  private static LoadedCertificates loaded(Instant issued) {
    return TestCertificates.loaded(TestCertificates.issuedAt(issued, Duration.ofDays(90)), issued);
  }
}
