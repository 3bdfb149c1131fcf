package dev.pullsecret.webhook.tls.serving;

import dev.pullsecret.webhook.files.FileReloader;
import dev.pullsecret.webhook.files.ReloadMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the admission port's certificate in step with its files, without a restart. Like the rules,
 * the files' content is compared every poll ({@link FileReloader} says why polling).
 *
 * <p>Why not Spring Boot's own {@code reload-on-update} for PEM bundles? It only serves bundles
 * defined in {@code spring.ssl.bundle.*} properties, so our checks (key matches certificate, chain
 * order, subjectAltName, validity, each reported with the file and what to fix) would not run
 * before a pair is served; it waits for a 10 s quiet period after the last file event; and a reload
 * that fails is logged as an "Unexpected SSL reload error" stack trace and never retried until the
 * next file event, with nothing a metric could count. Spring's part we do use is the end of the
 * chain: {@code SslBundleRegistry.updateBundle} makes Tomcat build a new SSL context for new
 * handshakes while connections already open keep theirs.
 *
 * <p>New files are checked completely before they are served; refused files leave the pair in force
 * serving, and are reported only when the same content failed twice in a row ({@link
 * FileReloader.Refusal#WHEN_SEEN_TWICE}: {@code tls.crt} and {@code tls.key} are written one after
 * the other).
 *
 * <p>Its metrics are the reload metrics every reloaded file has ({@link ReloadMetrics}) and the
 * expiry of the certificate in force. The expiry is a timestamp rather than "seconds left", so an
 * alert reads {@code pullsecret_tls_certificate_expiry_seconds - time() < 14 * 86400} and the
 * series does not change every scrape. It has no labels (no fingerprint): one series per pod
 * whatever the rotations, and the fingerprint is in the logs and the health details.
 */
final class CertificateReloader
    implements Supplier<LoadedCertificates>,
        AutoCloseable,
        FileReloader.Listener<LoadedCertificates, InvalidCertificateException> {

  private static final Logger log = LoggerFactory.getLogger(CertificateReloader.class);

  private final CertificateFiles files;
  private final ExpiryWarnings warnings;
  private final FileReloader<LoadedCertificates, InvalidCertificateException> reloader;

  private CertificateReloader(
      CertificateFiles files, MeterRegistry registry, ExpiryWarnings warnings) {
    this.files = files;
    this.warnings = warnings;
    this.reloader =
        new FileReloader<>(
            files,
            InvalidCertificateException.class,
            FileReloader.Refusal.WHEN_SEEN_TWICE,
            List.of(this, new ReloadMetrics<>(registry, "pullsecret.tls", "new certificate pair")));
  }

  /**
   * Loads the files, failing with {@link InvalidCertificateException} if they cannot be served (the
   * server must not start without a usable certificate). Polling starts with {@link #watch}.
   */
  static CertificateReloader load(
      CertificateFiles files, MeterRegistry registry, ExpiryWarnings warnings) {
    var certificates = new CertificateReloader(files, registry, warnings);
    certificates.reloader.start();
    Gauge.builder(
            "pullsecret.tls.certificate.expiry",
            certificates,
            in -> in.get().identity().notAfter().getEpochSecond())
        .description("notAfter of the serving certificate in force, as Unix epoch seconds")
        .baseUnit("seconds")
        .register(registry);
    return certificates;
  }

  /** Checks the files every {@code interval} and hands each new valid pair to {@code serve}. */
  void watch(Duration interval, Consumer<LoadedCertificates> serve) {
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

  @Override
  public LoadedCertificates get() {
    return reloader.get();
  }

  /** Checks the files now; returns true when a new pair was put in force. */
  boolean check() {
    return reloader.check();
  }

  @Override
  public void close() {
    reloader.close();
  }

  @Override
  public void loaded(LoadedCertificates next) {
    ServingIdentity identity = next.identity();
    log.info(
        "Serving certificate {} for {} (SHA-256 {}), valid until {}{}",
        next.source(),
        identity.dnsNames(),
        identity.fingerprintSha256(),
        identity.notAfter(),
        next.clientCas().isEmpty()
            ? ""
            : "; client certificates required, signed by one of "
                + next.clientCas().size()
                + " CA(s) from "
                + files.clientCaFile());
    warnings.check(next);
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
  public void polled(LoadedCertificates current) {
    warnings.check(current);
  }
}
