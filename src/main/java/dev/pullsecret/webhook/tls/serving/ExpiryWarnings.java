package dev.pullsecret.webhook.tls.serving;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns in the log when the serving certificate is close to its end: at once, then again each day
 * while it stays in force, so the warning is seen by whoever reads today's logs without flooding
 * them. The gauge {@code pullsecret_tls_certificate_expiry_seconds} is the signal to alert on; this
 * is for people who read logs.
 */
final class ExpiryWarnings {

  static final Duration REPEAT = Duration.ofDays(1);

  private static final Logger log = LoggerFactory.getLogger(ExpiryWarnings.class);

  private final Duration threshold;
  private final Clock clock;
  private String warnedFingerprint;
  private Instant warnedAt;

  ExpiryWarnings(Duration threshold, Clock clock) {
    this.threshold = threshold;
    this.clock = clock;
  }

  synchronized void check(LoadedCertificates certificates) {
    ServingIdentity identity = certificates.identity();
    Instant now = clock.instant();
    Duration left = Duration.between(now, identity.notAfter());
    if (left.compareTo(threshold) >= 0) {
      return;
    }
    String fingerprint = identity.fingerprintSha256();
    if (fingerprint.equals(warnedFingerprint) && now.isBefore(warnedAt.plus(REPEAT))) {
      return;
    }
    warnedFingerprint = fingerprint;
    warnedAt = now;
    if (left.isNegative()) {
      log.warn(
          "Serving certificate {} (SHA-256 {}) EXPIRED at {}: the API server refuses every call;"
              + " replace the Secret now (readiness is DOWN until then)",
          certificates.source(),
          fingerprint,
          identity.notAfter());
    } else {
      log.warn(
          "Serving certificate {} (SHA-256 {}) expires in {} day(s), at {}; renew the Secret and"
              + " the caBundle (the new pair is picked up without a restart)",
          certificates.source(),
          fingerprint,
          left.toDays(),
          identity.notAfter());
    }
  }
}
