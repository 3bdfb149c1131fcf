package dev.pullsecret.webhook.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads and checks the PEM files a webhook serves TLS with. Every check here stands for a failure
 * that would otherwise surface only as an opaque handshake error in the API server's log, far from
 * the files that caused it; so each problem is reported with the file and what to fix.
 */
public final class ServingIdentityLoader {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** How PEMParser reports a block type it has no parser for. */
  private static final String UNKNOWN_TYPE = "unrecognised object: ";

  private ServingIdentityLoader() {}

  /**
   * Loads a certificate chain (serving certificate first, as in {@code tls.crt}) and its private
   * key (PKCS#8, PKCS#1 RSA or SEC1 EC; unencrypted). Both may be the same file.
   *
   * @throws InvalidCertificateException if the files cannot be served now: unreadable, malformed,
   *     missing parts, key not matching the certificate, outside its validity, or without SAN
   */
  public static ServingIdentity load(Path certFile, Path keyFile, Clock clock) {
    List<X509Certificate> chain = readCertificates(certFile);
    PrivateKey key = readPrivateKey(keyFile);
    X509Certificate leaf = chain.getFirst();
    requireMatchingKey(certFile, keyFile, leaf, key);
    requireOrderedChain(certFile, chain);
    requireSubjectAltName(certFile, leaf);
    requireValidAt(certFile, chain, clock.instant());
    return new ServingIdentity(chain, key);
  }

  /**
   * Loads the certificates of a PEM bundle, e.g. the CA file that client certificates must chain
   * to, with the same checks and messages as the serving chain.
   *
   * @throws InvalidCertificateException if the file is unreadable, malformed or has no certificate
   */
  public static List<X509Certificate> loadCertificates(Path file) {
    return List.copyOf(readCertificates(file));
  }

  private static List<X509Certificate> readCertificates(Path file) {
    List<Object> objects = readPem(file, "CERTIFICATE");
    var certificates = new ArrayList<X509Certificate>();
    var converter = new JcaX509CertificateConverter();
    for (Object object : objects) {
      if (object instanceof X509CertificateHolder holder) {
        try {
          certificates.add(converter.getCertificate(holder));
        } catch (GeneralSecurityException e) {
          throw new InvalidCertificateException(
              file, "certificate " + (certificates.size() + 1) + " is malformed: " + e, e);
        }
      }
    }
    if (certificates.isEmpty()) {
      throw new InvalidCertificateException(
          file, "contains no certificate (found " + describe(objects) + ")");
    }
    return certificates;
  }

  private static PrivateKey readPrivateKey(Path file) {
    List<Object> objects = readPem(file, "PRIVATE KEY");
    var keys = new ArrayList<PrivateKey>();
    for (Object object : objects) {
      if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
        throw encrypted(file);
      }
      PrivateKeyInfo info =
          switch (object) {
            case PrivateKeyInfo pkcs8 -> pkcs8;
            case PEMKeyPair pkcs1OrSec1 -> pkcs1OrSec1.getPrivateKeyInfo();
            default -> null; // certificates, EC PARAMETERS: not a key
          };
      if (info != null) {
        keys.add(toPrivateKey(file, info));
      }
    }
    if (keys.isEmpty()) {
      throw new InvalidCertificateException(
          file, "contains no private key (found " + describe(objects) + ")");
    }
    if (keys.size() > 1) {
      throw new InvalidCertificateException(
          file, "contains " + keys.size() + " private keys; expected exactly one");
    }
    return keys.getFirst();
  }

  private static PrivateKey toPrivateKey(Path file, PrivateKeyInfo info) {
    try {
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (IOException | RuntimeException e) {
      throw new InvalidCertificateException(file, "private key is malformed: " + e.getMessage(), e);
    }
  }

  private static InvalidCertificateException encrypted(Path file) {
    return new InvalidCertificateException(
        file,
        "private key is encrypted, which is not supported; store it unencrypted in the Secret"
            + " (for example: openssl pkey -in encrypted.key -out tls.key)");
  }

  /** All PEM objects in the file, parsed by BouncyCastle's PEMParser. */
  private static List<Object> readPem(Path file, String expectedType) {
    byte[] bytes = readBytes(file);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    if (text.isBlank()) {
      throw new InvalidCertificateException(file, "file is empty");
    }
    var objects = new ArrayList<Object>();
    try (var parser = new PEMParser(new StringReader(text))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        objects.add(o);
      }
    } catch (IOException | RuntimeException e) {
      String detail = String.valueOf(e.getMessage());
      String problem =
          detail.startsWith(UNKNOWN_TYPE)
              ? "unsupported PEM block -----BEGIN "
                  + detail.substring(UNKNOWN_TYPE.length())
                  + "----- (expected "
                  + expectedType
                  + ")"
              : "malformed PEM in block "
                  + (objects.size() + 1)
                  + ", the file may be truncated or corrupted: "
                  + detail;
      throw new InvalidCertificateException(file, problem, e);
    }
    if (objects.isEmpty()) {
      String hint =
          bytes[0] == 0x30
              ? "; the file looks like binary DER, convert it to PEM with openssl"
              : "";
      throw new InvalidCertificateException(
          file, "no PEM block found (expected -----BEGIN " + expectedType + "-----)" + hint);
    }
    return objects;
  }

  private static byte[] readBytes(Path file) {
    if (Files.isDirectory(file)) {
      throw new InvalidCertificateException(file, "is a directory, expected a PEM file");
    }
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidCertificateException(file, "file does not exist", e);
    } catch (AccessDeniedException e) {
      throw new InvalidCertificateException(file, "permission denied", e);
    } catch (IOException e) {
      throw new InvalidCertificateException(file, "cannot be read: " + e, e);
    }
  }

  /** What the file holds instead, e.g. "1 private key", to tell swapped files apart. */
  private static String describe(List<Object> objects) {
    Map<String, Integer> counts = new TreeMap<>();
    for (Object object : objects) {
      String kind =
          switch (object) {
            case X509CertificateHolder ignored -> "certificate";
            case PrivateKeyInfo ignored -> "private key";
            case PEMKeyPair ignored -> "private key";
            case PKCS8EncryptedPrivateKeyInfo ignored -> "encrypted private key";
            case PEMEncryptedKeyPair ignored -> "encrypted private key";
            default -> object.getClass().getSimpleName();
          };
      counts.merge(kind, 1, Integer::sum);
    }
    var parts = new ArrayList<String>();
    counts.forEach((kind, n) -> parts.add(n + " " + kind + (n > 1 ? "s" : "")));
    return String.join(", ", parts);
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
          && names.stream().anyMatch(n -> n.get(0) instanceof Integer t && (t == 2 || t == 7))) {
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
          i == 0
              ? "certificate (" + certificate.getSubjectX500Principal().getName() + ")"
              : "certificate "
                  + (i + 1)
                  + " of the chain ("
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
