package dev.pullsecret.webhook.tls.serving;

import dev.pullsecret.webhook.files.ReloadMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus metrics of the serving certificate. The expiry is a timestamp rather than "seconds
 * left", so an alert reads {@code pullsecret_tls_certificate_expiry_seconds - time() < 14 * 86400}
 * and the series does not change every scrape. It has no labels (no fingerprint): one series per
 * pod whatever the rotations, and the fingerprint is in the logs and the health details. The reload
 * metrics are those of every reloaded file ({@link ReloadMetrics}).
 */
final class CertificateMetrics implements CertificateReloader.Listener {

  private final AtomicLong notAfter = new AtomicLong();
  private final ReloadMetrics<LoadedCertificates, InvalidCertificateException> reloads;

  CertificateMetrics(MeterRegistry registry) {
    this.reloads = new ReloadMetrics<>(registry, "pullsecret.tls", "new certificate pair");
    Gauge.builder("pullsecret.tls.certificate.expiry", notAfter, AtomicLong::get)
        .description("notAfter of the serving certificate in force, as Unix epoch seconds")
        .baseUnit("seconds")
        .register(registry);
  }

  @Override
  public void loaded(LoadedCertificates certificates) {
    notAfter.set(certificates.identity().notAfter().getEpochSecond());
    reloads.loaded(certificates);
  }

  @Override
  public void refused(InvalidCertificateException error) {
    reloads.refused(error);
  }
}
