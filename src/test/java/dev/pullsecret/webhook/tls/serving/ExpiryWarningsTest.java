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
  void staysQuietWhileMoreThanTheThresholdIsLeft(CapturedOutput output) {
    clock.set(NOT_AFTER.minus(Duration.ofDays(31)));

    warnings.check(CERT);

    assertThat(warningsIn(output)).isZero();
  }

  @Test
  void warnsWithTheFileFingerprintAndDaysLeftOnceUnderTheThreshold(CapturedOutput output) {
    clock.set(NOT_AFTER.minus(Duration.ofDays(29)).minusSeconds(60));

    warnings.check(CERT);

    assertThat(warningsIn(output)).isOne();
    assertThat(output)
        .contains("WARN")
        .contains("Serving certificate /tls/tls.crt")
        .contains(CERT.identity().fingerprintSha256())
        .contains("expires in 29 day(s), at " + NOT_AFTER);
  }

  @Test
  void warnsAgainOnlyAfterADay(CapturedOutput output) {
    clock.set(NOT_AFTER.minus(Duration.ofDays(10)));
    warnings.check(CERT);

    clock.advance(Duration.ofHours(23));
    warnings.check(CERT);
    int sameDay = warningsIn(output);
    clock.advance(Duration.ofHours(1));
    warnings.check(CERT);

    assertThat(sameDay).isOne();
    assertThat(warningsIn(output)).isEqualTo(2);
  }

  @Test
  void warnsAtOnceForANewCertificateThatIsAlsoShortLived(CapturedOutput output) {
    clock.set(NOT_AFTER.minus(Duration.ofDays(10)));
    warnings.check(CERT);

    warnings.check(loaded(ISSUED));

    assertThat(warningsIn(output)).isEqualTo(2);
  }

  @Test
  void saysExpiredOnceTheCertificateHasExpired(CapturedOutput output) {
    clock.set(NOT_AFTER.plusSeconds(1));

    warnings.check(CERT);

    assertThat(output).contains("EXPIRED at " + NOT_AFTER).contains("readiness is DOWN");
  }

  private static int warningsIn(CapturedOutput output) {
    return output.getAll().split("Serving certificate ", -1).length - 1;
  }

  /** A 90-day certificate issued, and loaded, at {@code issued}. */
  private static LoadedCertificates loaded(Instant issued) {
    return TestCertificates.loaded(TestCertificates.issuedAt(issued, Duration.ofDays(90)), issued);
  }
}
