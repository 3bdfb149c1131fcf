package dev.pullsecret.webhook.tls.issuing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificates for running the webhook on a workstation: a CA and a serving certificate for
 * localhost, valid for 30 days. The serving side decides when they are needed (none yet, unusable,
 * or expiring within a day) and otherwise reuses them, so {@code curl --cacert DIR/ca.crt} keeps
 * working across restarts.
 */
public final class LocalCertificates {

  private static final Logger log = LoggerFactory.getLogger(LocalCertificates.class);

  private LocalCertificates() {}

  /** Writes a new CA and localhost certificate into {@code dir}, replacing what is there. */
  public static void generate(Path dir, Clock clock) {
    var spec =
        new CertificateSpec(
            "pullsecret-webhook",
            "pullsecret-webhook",
            List.of("localhost"),
            List.of("127.0.0.1", "::1"),
            Duration.ofDays(30),
            KeyAlgorithm.ECDSA_P256);
    try {
      PemFiles.write(CertificateGenerator.generate(spec, clock), dir, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write local certificates to " + dir, e);
    }
    log.info(
        "Generated a local CA and a certificate for localhost in {}; trust it with: curl --cacert {}",
        dir,
        dir.resolve(PemFiles.CA_CRT));
  }
}
