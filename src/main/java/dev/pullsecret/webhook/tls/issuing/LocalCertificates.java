package dev.pullsecret.webhook.tls.issuing;

import dev.pullsecret.webhook.tls.serving.InvalidCertificateException;
import dev.pullsecret.webhook.tls.serving.ServingIdentity;
import dev.pullsecret.webhook.tls.serving.ServingIdentityLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificates for running the webhook on a workstation: a CA and a serving certificate for
 * localhost, made once and reused while valid, so {@code curl --cacert DIR/ca.crt} keeps working
 * across restarts.
 */
public final class LocalCertificates {

  private static final Logger log = LoggerFactory.getLogger(LocalCertificates.class);

  private LocalCertificates() {}

  public static ServingIdentity ensure(Path dir, Clock clock) {
    Path cert = dir.resolve(PemFiles.TLS_CRT);
    Path key = dir.resolve(PemFiles.TLS_KEY);
    if (Files.exists(cert) && Files.exists(key)) {
      try {
        ServingIdentity existing = ServingIdentityLoader.load(cert, key, clock);
        if (existing.notAfter().isAfter(clock.instant().plus(Duration.ofDays(1)))) {
          log.info(
              "Serving the local certificate in {} (CA: {})", dir, dir.resolve(PemFiles.CA_CRT));
          return existing;
        }
      } catch (InvalidCertificateException e) {
        log.warn("Replacing the local certificate in {}: {}", dir, e.getMessage());
      }
    }
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
    return ServingIdentityLoader.load(cert, key, clock);
  }
}
