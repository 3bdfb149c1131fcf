package dev.pullsecret.webhook.tls.serving;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Reads and checks the PEM files a webhook serves TLS with (parsing is {@link PemFileReader}'s).
 * Every check here stands for a failure that would otherwise surface only as an opaque handshake
 * error in the API server's log, far from the files that caused it; so each problem is reported
 * with the file and what to fix.
 */
public final class ServingIdentityLoader {

  private static final SecureRandom RANDOM = new SecureRandom();

  private ServingIdentityLoader() {}

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
    String subject = leaf.getSubjectX500Principal().getName();
    if (!keyFamily(key.getAlgorithm()).equals(keyFamily(publicKey.getAlgorithm()))) {
      throw new InvalidCertificateException(
          keyFile,
          "private key is "
              + key.getAlgorithm()
              + " but the public key of the first certificate in "
              + certFile
              + " ("
              + subject
              + ") is "
              + publicKey.getAlgorithm()
              + "; the key does not match the certificate");
    }
    if (!signsFor(key, publicKey)) {
      throw new InvalidCertificateException(
          keyFile,
          "private key does not match the public key of the first certificate in "
              + certFile
              + " ("
              + subject
              + "); the key may belong to another certificate, or the serving certificate is"
              + " not first in the file");
    }
  }

  /** Signs a random challenge and verifies it with the certificate: works for every key type. */
  private static boolean signsFor(PrivateKey key, PublicKey publicKey) {
    String algorithm =
        switch (keyFamily(key.getAlgorithm())) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm(); // EdDSA: Ed25519, Ed448
        };
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

  private static String keyFamily(String algorithm) {
    return switch (algorithm) {
      case "EC", "ECDSA" -> "EC";
      case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
      default -> algorithm;
    };
  }

  private static void requireOrderedChain(Path certFile, List<X509Certificate> chain) {
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate child = chain.get(i);
      X509Certificate issuer = chain.get(i + 1);
      if (!issued(issuer, child)) {
        throw new InvalidCertificateException(
            certFile,
            "certificate "
                + (i + 1)
                + " ("
                + child.getSubjectX500Principal().getName()
                + ") is not signed by certificate "
                + (i + 2)
                + " ("
                + issuer.getSubjectX500Principal().getName()
                + "); list the serving certificate first, then each issuer in order");
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
      var names = leaf.getSubjectAlternativeNames();
      if (names != null
          && names.stream()
              .anyMatch(
                  n ->
                      n.get(0) instanceof Integer t
                          && (t == ServingIdentity.SAN_DNS || t == ServingIdentity.SAN_IP))) {
        return;
      }
    } catch (CertificateParsingException e) {
      throw new InvalidCertificateException(
          certFile, "subjectAltName extension is malformed: " + e.getMessage(), e);
    }
    throw new InvalidCertificateException(
        certFile,
        "certificate ("
            + leaf.getSubjectX500Principal().getName()
            + ") has no subjectAltName DNS or IP entry; the Kubernetes API server (Go TLS) rejects"
            + " certificates that rely on the legacy Common Name field");
  }

  private static void requireValidAt(Path certFile, List<X509Certificate> chain, Instant now) {
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate certificate = chain.get(i);
      String which =
          (i == 0 ? "certificate (" : "certificate " + (i + 1) + " of the chain (")
              + certificate.getSubjectX500Principal().getName()
              + ")";
      Instant notAfter = certificate.getNotAfter().toInstant();
      Instant notBefore = certificate.getNotBefore().toInstant();
      if (now.isAfter(notAfter)) {
        throw new InvalidCertificateException(
            certFile, which + " expired: notAfter " + notAfter + " is before now (" + now + ")");
      }
      if (now.isBefore(notBefore)) {
        throw new InvalidCertificateException(
            certFile,
            which
                + " is not yet valid: notBefore "
                + notBefore
                + " is after now ("
                + now
                + "); check the clocks");
      }
    }
  }
}
