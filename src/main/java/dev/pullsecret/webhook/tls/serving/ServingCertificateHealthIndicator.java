package dev.pullsecret.webhook.tls.serving;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness of the admission port's certificate ({@code servingCertificate} in the readiness
 * group). DOWN once the certificate in force has expired or is not valid yet: the API server then
 * fails every TLS handshake, so the pod should leave the Service's endpoints. It is deliberately
 * not part of liveness: a restart reads the same Secret and cannot fix a certificate.
 */
record ServingCertificateHealthIndicator(Supplier<LoadedCertificates> certificates, Clock clock)
    implements HealthIndicator {

  @Override
  public Health health() {
    LoadedCertificates loaded = certificates.get();
    ServingIdentity identity = loaded.identity();
    Instant now = clock.instant();
    Instant notBefore = identity.certificate().getNotBefore().toInstant();
    Health.Builder health =
        now.isAfter(identity.notAfter())
            ? Health.down().withDetail("reason", "expired")
            : now.isBefore(notBefore)
                ? Health.down().withDetail("reason", "not yet valid")
                : Health.up();
    return health
        .withDetail("file", loaded.source().toString())
        .withDetail("dnsNames", identity.dnsNames())
        .withDetail("sha256", identity.fingerprintSha256())
        .withDetail("notBefore", notBefore.toString())
        .withDetail("notAfter", identity.notAfter().toString())
        .withDetail("loadedAt", loaded.loadedAt().toString())
        .build();
  }
}
