package dev.pullsecret.webhook.tls.serving;

import dev.pullsecret.webhook.files.FileReloader;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;

/**
 * Keeps the admission port's certificate in step with its files through a {@link FileReloader},
 * reporting a refusal only when the same content failed twice in a row ({@link
 * FileReloader.Refusal#WHEN_SEEN_TWICE}: {@code tls.crt} and {@code tls.key} are two writes).
 *
 * <p>Not Spring Boot's {@code reload-on-update} for PEM bundles: it serves only bundles of {@code
 * spring.ssl.bundle.*} properties, so our checks ({@link ServingIdentity#load}) would not run
 * before a pair is served; it waits for 10 s of quiet after the last file event; and a failed
 * reload is an "Unexpected SSL reload error" stack trace, not retried until the next event, that no
 * metric counts. We use the end of its chain: {@code SslBundleRegistry.updateBundle} makes Tomcat
 * build a new SSL context for new handshakes while open connections keep theirs.
 *
 * <p>The expiry of the certificate in force is told three ways. A gauge to alert on: a timestamp,
 * not "seconds left", so an alert reads {@code pullsecret_tls_certificate_expiry_seconds - time() <
 * 14 * 86400} and the series does not change every scrape; no labels (no fingerprint: it is in the
 * logs and the health details), so one series per pod whatever the rotations. A log warning under
 * the threshold, at once and then each day while the certificate stays in force: seen by whoever
 * reads today's logs, without a flood. And readiness ({@link #health}). The reload metrics are
 * those of every reloaded file ({@link FileReloader#metrics}).
 */
final class CertificateReloader
    implements AutoCloseable,
        FileReloader.Listener<CertificateFiles.Loaded, InvalidCertificateException> {

  private static final Logger log = LoggerFactory.getLogger(CertificateReloader.class);

  private final CertificateFiles files;
  private final Duration warningThreshold;
  private final FileReloader<CertificateFiles.Loaded, InvalidCertificateException> reloader;
  private String warnedFingerprint;
  private Instant warnedAt;

  /**
   * Loads the files, failing with {@link InvalidCertificateException} if they cannot be served (the
   * server must not start without a usable certificate). Polling starts with {@link #watch}.
   *
   * @param warningThreshold how long before its notAfter the certificate in force is warned of
   */
  CertificateReloader(CertificateFiles files, MeterRegistry registry, Duration warningThreshold) {
    this.files = files;
    this.warningThreshold = warningThreshold;
    this.reloader =
        new FileReloader<>(
            files,
            InvalidCertificateException.class,
            FileReloader.Refusal.WHEN_SEEN_TWICE,
            List.of(
                this, FileReloader.metrics(registry, "pullsecret.tls", "new certificate pair")));
    reloader.start();
    Gauge.builder(
            "pullsecret.tls.certificate.expiry",
            this,
            in -> in.get().identity().notAfter().getEpochSecond())
        .description(
            "Earliest notAfter of the certificate chain in force (the serving certificate and any"
                + " CA in tls.crt), as Unix epoch seconds")
        .baseUnit("seconds")
        .register(registry);
  }

  /** Checks the files every {@code interval} and hands each new valid pair to {@code serve}. */
  void watch(Duration interval, Consumer<CertificateFiles.Loaded> serve) {
    reloader.watch(
        "certificate-reloader",
        "webhook.tls.reload-interval",
        interval,
        "the certificate files " + files.describe(),
        next -> {
          try {
            serve.accept(next);
          } catch (RuntimeException e) {
            // Not expected after our checks, but the old pair must keep serving whatever happens.
            throw new InvalidCertificateException(
                files.certFile(),
                "the TLS server could not use the new pair: " + e.getMessage(),
                e);
          }
        });
  }

  CertificateFiles.Loaded get() {
    return reloader.get();
  }

  boolean check() {
    return reloader.check();
  }

  @Override
  public void close() {
    reloader.close();
  }

  /**
   * Readiness of the admission port's certificate ({@code servingCertificate} in the readiness
   * group). DOWN once the certificate in force has expired or is not valid yet: the API server then
   * fails every TLS handshake, so the pod should leave the Service's endpoints. It is deliberately
   * not part of liveness: a restart reads the same Secret and cannot fix a certificate.
   */
  Health health() {
    CertificateFiles.Loaded loaded = get();
    ServingIdentity identity = loaded.identity();
    Instant now = files.clock().instant();
    Instant notBefore = identity.certificate().getNotBefore().toInstant();
    Health.Builder health =
        now.isAfter(identity.notAfter())
            ? Health.down().withDetail("reason", "expired")
            : now.isBefore(notBefore)
                ? Health.down().withDetail("reason", "not yet valid")
                : Health.up();
    return health
        .withDetail("file", files.certFile().toString())
        .withDetail("dnsNames", identity.dnsNames())
        .withDetail("sha256", identity.fingerprintSha256())
        .withDetail("notBefore", notBefore.toString())
        .withDetail("notAfter", identity.notAfter().toString())
        .withDetail("loadedAt", loaded.loadedAt().toString())
        .build();
  }

  @Override
  public void loaded(CertificateFiles.Loaded next) {
    ServingIdentity identity = next.identity();
    log.info(
        "Serving certificate {} for {} (SHA-256 {}), valid until {}{}",
        files.certFile(),
        identity.dnsNames(),
        identity.fingerprintSha256(),
        identity.notAfter(),
        next.clientCas().isEmpty()
            ? ""
            : "; client certificates required, signed by one of "
                + next.clientCas().size()
                + " CA(s) from "
                + files.clientCaFile());
    warnIfExpiring(next);
  }

  @Override
  public void refused(InvalidCertificateException error) {
    ServingIdentity serving = get().identity();
    log.error(
        "Refused new certificate files {}; still serving SHA-256 {} (valid until {}). {}",
        files.describe(),
        serving.fingerprintSha256(),
        serving.notAfter(),
        error.getMessage());
  }

  @Override
  public void polled(CertificateFiles.Loaded current) {
    warnIfExpiring(current);
  }

  private synchronized void warnIfExpiring(CertificateFiles.Loaded certificates) {
    ServingIdentity identity = certificates.identity();
    Instant now = files.clock().instant();
    Duration left = Duration.between(now, identity.notAfter());
    if (left.compareTo(warningThreshold) >= 0) {
      return;
    }
    String fingerprint = identity.fingerprintSha256();
    if (fingerprint.equals(warnedFingerprint) && now.isBefore(warnedAt.plus(Duration.ofDays(1)))) {
      return;
    }
    warnedFingerprint = fingerprint;
    warnedAt = now;
    if (left.isNegative()) {
      log.warn(
          "Serving certificate {} (SHA-256 {}) EXPIRED at {}: the API server refuses every call;"
              + " replace the Secret now (readiness is DOWN until then)",
          files.certFile(),
          fingerprint,
          identity.notAfter());
    } else {
      log.warn(
          "Serving certificate {} (SHA-256 {}) expires in {} day(s), at {}; renew the Secret and"
              + " the caBundle (the new pair is picked up without a restart)",
          files.certFile(),
          fingerprint,
          left.toDays(),
          identity.notAfter());
    }
  }
}
