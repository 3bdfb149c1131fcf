package dev.pullsecret.webhook.tls.serving;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The certificate chain and key the webhook serves TLS with, as checked by {@link
 * ServingIdentityLoader}. The first certificate of the chain is the serving certificate.
 */
public record ServingIdentity(List<X509Certificate> chain, PrivateKey privateKey) {

  /** The GeneralName tags of subjectAltName entries (RFC 5280), as the JDK reports them. */
  static final int SAN_DNS = 2;

  static final int SAN_IP = 7;

  public ServingIdentity {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("certificate chain must not be empty");
    }
    Objects.requireNonNull(privateKey, "privateKey must not be null");
  }

  /** The serving (leaf) certificate. */
  public X509Certificate certificate() {
    return chain.getFirst();
  }

  public Instant notAfter() {
    return certificate().getNotAfter().toInstant();
  }

  /** DNS subjectAltNames of the serving certificate, the names clients verify. */
  public List<String> dnsNames() {
    try {
      Collection<List<?>> names = certificate().getSubjectAlternativeNames();
      if (names == null) {
        return List.of();
      }
      return names.stream()
          .filter(name -> name.get(0) instanceof Integer t && t == SAN_DNS)
          .map(name -> String.valueOf(name.get(1)))
          .toList();
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  /**
   * SHA-256 of the serving certificate, formatted like {@code openssl x509 -fingerprint -sha256} so
   * a logged value can be compared with the file on disk. Identifies a certificate without exposing
   * anything secret.
   */
  public String fingerprintSha256() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate().getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint certificate", e);
    }
  }

  /** Keeps the private key out of logs. */
  @Override
  public String toString() {
    return "ServingIdentity[subject="
        + certificate().getSubjectX500Principal().getName()
        + ", dnsNames="
        + dnsNames()
        + ", notAfter="
        + notAfter()
        + ", sha256="
        + fingerprintSha256()
        + "]";
  }
}
