package dev.pullsecret.webhook.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus metrics of the serving certificate. The expiry is a timestamp rather than "seconds
 * left", so an alert reads {@code pullsecret_tls_certificate_expiry_seconds - time() < 14 * 86400}
 * and the series does not change every scrape. It has no labels (no fingerprint): one series per
 * pod whatever the rotations, and the fingerprint is in the logs and the health details.
 */
final class CertificateMetrics implements CertificateReloader.Listener {

  private final MeterRegistry registry;
  private final AtomicLong notAfter = new AtomicLong();
  private final AtomicLong lastReloadSucceeded = new AtomicLong(1);

  CertificateMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("pullsecret.tls.certificate.expiry", notAfter, AtomicLong::get)
        .description("notAfter of the serving certificate in force, as Unix epoch seconds")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("pullsecret.tls.last.reload.success", lastReloadSucceeded, AtomicLong::get)
        .description("1 if the last new certificate pair was put in force, 0 if it was refused")
        .register(registry);
  }

  @Override
  public void loaded(LoadedCertificates certificates) {
    notAfter.set(certificates.identity().notAfter().getEpochSecond());
    lastReloadSucceeded.set(1);
    reload("loaded");
  }

  @Override
  public void refused(InvalidCertificateException error) {
    lastReloadSucceeded.set(0);
    reload("refused");
  }

  private void reload(String result) {
    Counter.builder("pullsecret.tls.reloads")
        .description("Certificate pairs put in force or refused, by result")
        .tag("result", result)
        .register(registry)
        .increment();
  }
}
