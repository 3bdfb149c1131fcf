package dev.pullsecret.webhook.tls.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.tls.issuing.CertificateGenerator;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.CertificateSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CertificateMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CertificateMetrics metrics = new CertificateMetrics(registry);

  @Test
  void expiryGaugeIsTheNotAfterOfTheLoadedCertificateInEpochSeconds() {
    LoadedCertificates loaded = loaded();

    metrics.loaded(loaded);

    assertThat(registry.get("pullsecret.tls.certificate.expiry").gauge().value())
        .isEqualTo(loaded.identity().notAfter().getEpochSecond());
  }

  @Test
  void countsRefusalsAndFlagsTheLastReload() {
    metrics.loaded(loaded());

    metrics.refused(new InvalidCertificateException(Path.of("/tls/tls.key"), "does not match"));

    assertThat(registry.get("pullsecret.tls.reloads").tag("result", "refused").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("pullsecret.tls.last.reload.success").gauge().value()).isZero();
  }

  private static LoadedCertificates loaded() {
    CertificateSet set =
        CertificateGenerator.generate(
            CertificateSpec.of("pullsecret-webhook", "pullsecret-webhook"), Clock.systemUTC());
    return TestCertificates.loaded(set, Instant.now());
  }
}
