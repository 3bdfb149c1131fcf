package dev.pullsecret.webhook.tls.serving;

import dev.pullsecret.webhook.files.BoundedFiles;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
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
 * Reads certificates and keys from PEM files with BouncyCastle's PEMParser, which knows the formats
 * openssl, cert-manager and Helm write (PKCS#8, PKCS#1, SEC1, EC PARAMETERS blocks), and turns each
 * parsing failure into a message about the file.
 */
final class PemFileReader {

  /** How PEMParser reports a block type it has no parser for. */
  private static final String UNKNOWN_TYPE = "unrecognised object: ";

  private PemFileReader() {}

  /**
   * The certificates in {@code file}, in file order.
   *
   * @throws InvalidCertificateException if the file holds no readable certificate
   */
  static List<X509Certificate> certificates(Path file) {
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

  /**
   * The one unencrypted private key in {@code file}: PKCS#8, PKCS#1 RSA or SEC1 EC.
   *
   * @throws InvalidCertificateException if the file holds no key, several, or an encrypted one
   */
  static PrivateKey privateKey(Path file) {
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
      return BoundedFiles.read(file, BoundedFiles.PEM_LIMIT);
    } catch (BoundedFiles.TooLargeException e) {
      throw new InvalidCertificateException(
          file,
          e.getMessage() + " (a Secret holds at most 1 MiB); the files in force keep serving");
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
}
