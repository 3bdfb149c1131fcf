package dev.pullsecret.webhook.tls;

import dev.pullsecret.webhook.files.FilePoller;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the admission port's certificate in step with its files, without a restart. Like the rules,
 * the files' content is compared every poll ({@link FilePoller} says why polling).
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
 * <p>New files are checked completely before they are served. Refused files leave the pair in force
 * serving, and are reported once per distinct content, only after the same content failed on two
 * polls in a row: an updater that writes {@code tls.crt} and {@code tls.key} one after the other
 * can be caught between the two writes, which is no reason for an error report.
 */
final class CertificateReloader implements Supplier<LoadedCertificates>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CertificateReloader.class);

  /** At start-up, how often a read that raced with an update of the files is retried. */
  private static final int START_ATTEMPTS = 3;

  /** Told about every pair put in force and every pair refused, e.g. to count them in metrics. */
  interface Listener {
    void loaded(LoadedCertificates certificates);

    void refused(InvalidCertificateException error);
  }

  private final CertificateFiles files;
  private final Listener listener;
  private final ExpiryWarnings warnings;
  private final Clock clock;
  private volatile FilePoller poller;
  private volatile LoadedCertificates current;
  private volatile Consumer<LoadedCertificates> serve = certificates -> {};

  /** Digest of the content in force, or of the refused content last reported. */
  private String lastSeen;

  /** Digest of refused content seen once and not reported yet: it may be half-written. */
  private String unsettled;

  private CertificateReloader(
      CertificateFiles files, Listener listener, ExpiryWarnings warnings, Clock clock) {
    this.files = files;
    this.listener = listener;
    this.warnings = warnings;
    this.clock = clock;
  }

  /**
   * Loads the files, failing with {@link InvalidCertificateException} if they cannot be served (the
   * server must not start without a usable certificate). Polling starts with {@link #watch}.
   */
  static CertificateReloader load(
      CertificateFiles files, Listener listener, ExpiryWarnings warnings, Clock clock) {
    var reloader = new CertificateReloader(files, listener, warnings, clock);
    for (int attempt = 1; ; attempt++) {
      String digest = files.digest();
      try {
        reloader.putInForce(files.load(clock), digest);
        return reloader;
      } catch (InvalidCertificateException e) {
        // Retry only when the files changed while they were read; otherwise they are broken.
        if (attempt == START_ATTEMPTS || files.digest().equals(digest)) {
          reloader.close();
          throw e;
        }
      }
    }
  }

  /** Checks the files every {@code interval} and hands each new valid pair to {@code serve}. */
  void watch(Duration interval, Consumer<LoadedCertificates> serve) {
    this.serve = serve;
    this.poller =
        FilePoller.start(
            "certificate-reloader",
            "webhook.tls.reload-interval",
            interval,
            () -> "the certificate files " + files.describe(),
            () -> {
              check();
              warnings.check(current);
            });
  }

  /** The certificates in force. */
  @Override
  public LoadedCertificates get() {
    return current;
  }

  /** Checks the files now; returns true when a new pair was put in force. */
  synchronized boolean check() {
    String digest = files.digest();
    if (digest.equals(lastSeen)) {
      return false;
    }
    LoadedCertificates next;
    try {
      next = files.load(clock);
      serve.accept(next);
    } catch (InvalidCertificateException e) {
      return refuse(digest, e);
    } catch (RuntimeException e) {
      // Not expected after our checks, but the old pair must keep serving whatever happens.
      return refuse(
          digest,
          new InvalidCertificateException(
              files.certFile(), "the TLS server could not use the new pair: " + e.getMessage(), e));
    }
    putInForce(next, digest);
    return true;
  }

  private void putInForce(LoadedCertificates next, String digest) {
    current = next;
    lastSeen = digest;
    unsettled = null;
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
    listener.loaded(next);
    warnings.check(next);
  }

  private boolean refuse(String digest, InvalidCertificateException error) {
    if (!digest.equals(unsettled)) {
      unsettled = digest;
      log.debug("New certificate files refused once, checking again: {}", error.getMessage());
      return false;
    }
    unsettled = null;
    lastSeen = digest;
    ServingIdentity serving = current.identity();
    log.error(
        "Refused new certificate files {}; still serving SHA-256 {} (valid until {}). {}",
        files.describe(),
        serving.fingerprintSha256(),
        serving.notAfter(),
        error.getMessage());
    listener.refused(error);
    return false;
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.close();
    }
  }
}
