package dev.pullsecret.webhook.tls.issuing;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A freshly generated CA and the serving certificate it signed. The CA key is only needed to sign;
 * {@link PemFiles} does not write it, so a leaked certificate directory cannot mint certificates
 * the API server would trust.
 */
public record CertificateSet(
    X509Certificate caCertificate,
    PrivateKey caKey,
    X509Certificate servingCertificate,
    PrivateKey servingKey) {

  /** Keeps key material out of logs and assertion messages. */
  @Override
  public String toString() {
    return "CertificateSet[ca=%s, serving=%s, notAfter=%s]"
        .formatted(
            caCertificate.getSubjectX500Principal(),
            servingCertificate.getSubjectX500Principal(),
            servingCertificate.getNotAfter().toInstant());
  }
}
