package dev.pullsecret.webhook.tls.serving;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The certificate chain and key the webhook serves TLS with; the first certificate of the chain is
 * the serving certificate. {@link #load} reads them (parsing is {@link PemFileReader}'s) and checks
 * them: every check stands for a failure that would otherwise surface only as an opaque handshake
 * error in the API server's log, far from the files that caused it; so each problem is reported
 * with the file and what to fix.
 */
public record ServingIdentity(List<X509Certificate> chain, PrivateKey privateKey) {

  /** The GeneralName tags of subjectAltName entries (RFC 5280), as the JDK reports them. */
  static final int SAN_DNS = 2;

  static final int SAN_IP = 7;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The serving (leaf) certificate. */
  public X509Certificate certificate() {
    return chain.getFirst();
  }

  /**
   * When the pair stops being servable: the earliest notAfter of the chain, as clients refuse a
   * chain with any certificate expired (a CA in {@code tls.crt} may expire before the serving one).
   */
  public Instant notAfter() {
    return chain.stream()
        .map(c -> c.getNotAfter().toInstant())
        .min(Instant::compareTo)
        .orElseThrow();
  }

  /** DNS subjectAltNames of the serving certificate, the names clients verify. */
  public List<String> dnsNames() {
    try {
      return subjectAltNames(certificate(), Set.of(SAN_DNS));
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
    return "ServingIdentity[subject=%s, dnsNames=%s, notAfter=%s, sha256=%s]"
        .formatted(name(certificate()), dnsNames(), notAfter(), fingerprintSha256());
  }

  /**
   * Loads a certificate chain (serving certificate first, as in {@code tls.crt}) and its private
   * key (PKCS#8, PKCS#1 RSA or SEC1 EC; unencrypted). Both may be the same file.
   *
   * @throws InvalidCertificateException if the files cannot be served now: unreadable, malformed,
   *     missing parts, key not matching the certificate, outside its validity, or without SAN
   */
  public static ServingIdentity load(Path certFile, Path keyFile, Clock clock) {
    List<X509Certificate> chain = PemFileReader.certificates(certFile);
    PrivateKey key = PemFileReader.privateKey(keyFile);
    X509Certificate leaf = chain.getFirst();
    requireMatchingKey(certFile, keyFile, leaf, key);
    requireOrderedChain(certFile, chain);
    requireSubjectAltName(certFile, leaf);
    requireValidAt(certFile, chain, clock.instant());
    return new ServingIdentity(chain, key);
  }

  private static void requireMatchingKey(
      Path certFile, Path keyFile, X509Certificate leaf, PrivateKey key) {
    PublicKey publicKey = leaf.getPublicKey();
    String subject = name(leaf);
    String algorithm = signatureAlgorithm(key.getAlgorithm());
    if (!algorithm.equals(signatureAlgorithm(publicKey.getAlgorithm()))) {
      throw new InvalidCertificateException(
          keyFile,
          String.format(
              "private key is %s but the public key of the first certificate in %s (%s) is %s;"
                  + " the key does not match the certificate",
              key.getAlgorithm(), certFile, subject, publicKey.getAlgorithm()));
    }
    if (!signsFor(algorithm, key, publicKey)) {
      throw new InvalidCertificateException(
          keyFile,
          String.format(
              "private key does not match the public key of the first certificate in %s (%s);"
                  + " the key may belong to another certificate, or the serving certificate is"
                  + " not first in the file",
              certFile, subject));
    }
  }

  /** Signs a random challenge and verifies it with the certificate: works for every key type. */
  private static boolean signsFor(String algorithm, PrivateKey key, PublicKey publicKey) {
    try {
      byte[] challenge = new byte[32];
      RANDOM.nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The signature algorithm of a key type; keys that can match share one. */
  private static String signatureAlgorithm(String keyAlgorithm) {
    return switch (keyAlgorithm) {
      case "RSA" -> "SHA256withRSA";
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
      default -> keyAlgorithm;
    };
  }

  private static void requireOrderedChain(Path certFile, List<X509Certificate> chain) {
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate child = chain.get(i);
      X509Certificate issuer = chain.get(i + 1);
      if (!issued(issuer, child)) {
        throw new InvalidCertificateException(
            certFile,
            String.format(
                "certificate %d (%s) is not signed by certificate %d (%s); list the serving"
                    + " certificate first, then each issuer in order",
                i + 1, name(child), i + 2, name(issuer)));
      }
    }
  }

  private static boolean issued(X509Certificate issuer, X509Certificate child) {
    if (!child.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      return false;
    }
    try {
      child.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static void requireSubjectAltName(Path certFile, X509Certificate leaf) {
    try {
      if (!subjectAltNames(leaf, Set.of(SAN_DNS, SAN_IP)).isEmpty()) {
        return;
      }
    } catch (CertificateParsingException e) {
      throw new InvalidCertificateException(
          certFile, "subjectAltName extension is malformed: " + e.getMessage(), e);
    }
    throw new InvalidCertificateException(
        certFile,
        "certificate ("
            + name(leaf)
            + ") has no subjectAltName DNS or IP entry; the Kubernetes API server (Go TLS) rejects"
            + " certificates that rely on the legacy Common Name field");
  }

  private static void requireValidAt(Path certFile, List<X509Certificate> chain, Instant now) {
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate certificate = chain.get(i);
      String which =
          (i == 0 ? "certificate (" : "certificate " + (i + 1) + " of the chain (")
              + name(certificate)
              + ")";
      Instant notAfter = certificate.getNotAfter().toInstant();
      Instant notBefore = certificate.getNotBefore().toInstant();
      if (now.isAfter(notAfter)) {
        throw new InvalidCertificateException(
            certFile, which + " expired: notAfter " + notAfter + " is before now (" + now + ")");
      }
      if (now.isBefore(notBefore)) {
        throw new InvalidCertificateException.NotYetValid(
            certFile,
            "%s is not yet valid: notBefore %s is after now (%s); check the clocks"
                .formatted(which, notBefore, now));
      }
    }
  }

  /** The values of the certificate's subjectAltName entries with one of the {@code tags}. */
  private static List<String> subjectAltNames(X509Certificate certificate, Set<Integer> tags)
      throws CertificateParsingException {
    Collection<List<?>> names = certificate.getSubjectAlternativeNames();
    if (names == null) {
      return List.of();
    }
    return names.stream()
        .filter(name -> tags.contains(name.get(0)))
        .map(name -> String.valueOf(name.get(1)))
        .toList();
  }

  private static String name(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }
}
