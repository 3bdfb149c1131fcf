package dev.pullsecret.webhook.tls.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.testing.TestClock;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class ServingCertificateHealthIndicatorTest {

  private static final Instant ISSUED = Instant.parse("2030-06-01T12:00:00Z");
  private static final CertificateSet SET = TestCertificates.issuedAt(ISSUED, Duration.ofDays(365));
  private static final LoadedCertificates LOADED = TestCertificates.loaded(SET, ISSUED);
  private static final ServingIdentity IDENTITY = LOADED.identity();

  private final TestClock clock = new TestClock(ISSUED);
  private final ServingCertificateHealthIndicator indicator =
      new ServingCertificateHealthIndicator(() -> LOADED, clock);

  @Test
  void isUpWithTheCertificateDetailsWhileValid() {
    Health health = indicator.health();

    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails())
        .containsEntry("file", "/tls/tls.crt")
        .containsEntry("sha256", IDENTITY.fingerprintSha256())
        .containsEntry("notAfter", IDENTITY.notAfter().toString())
        .containsEntry(
            "dnsNames",
            List.of(
                "pullsecret-webhook",
                "pullsecret-webhook.pullsecret-webhook",
                "pullsecret-webhook.pullsecret-webhook.svc",
                "pullsecret-webhook.pullsecret-webhook.svc.cluster.local"));
  }

  @Test
  void isStillUpAtTheLastSecondOfValidity() {
    clock.set(IDENTITY.notAfter());

    assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void isDownOnceTheCertificateHasExpired() {
    clock.set(IDENTITY.notAfter().plusSeconds(1));

    Health health = indicator.health();

    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails()).containsEntry("reason", "expired");
  }

  @Test
  void isDownBeforeTheCertificateIsValid() {
    clock.set(ISSUED.minus(Duration.ofHours(1)));

    Health health = indicator.health();

    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails()).containsEntry("reason", "not yet valid");
  }
}
