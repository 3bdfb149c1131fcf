package dev.pullsecret.webhook.tls.issuing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link CertificateSet} in the layout of a {@code kubernetes.io/tls} Secret, so the
 * directory can be turned into a Secret with kubectl and mounted unchanged.
 */
public final class PemFiles {

  public static final String TLS_CRT = "tls.crt";

  /** The serving key, PKCS#8 PEM, readable by the owner only. */
  public static final String TLS_KEY = "tls.key";

  /** The CA certificate that signed {@link #TLS_CRT}. */
  public static final String CA_CRT = "ca.crt";

  /**
   * Base64 of the CA PEM, no trailing newline: the exact value of the webhook configuration's
   * {@code caBundle} (a base64-encoded PEM bundle in the API).
   */
  public static final String CA_BUNDLE = "caBundle.b64";

  private PemFiles() {}

  /**
   * Writes the four files into {@code dir}, creating it if needed. Every file is written to a
   * temporary file first and moved into place, so a reader never sees half a key.
   *
   * @return the files written, in the order of the constants above
   * @throws FileAlreadyExistsException naming the first existing target when {@code overwrite} is
   *     false; nothing is written in that case
   */
  public static List<Path> write(CertificateSet set, Path dir, boolean overwrite)
      throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(TLS_CRT, bytes(toPem(set.servingCertificate())));
    files.put(TLS_KEY, bytes(toPem(set.servingKey())));
    files.put(CA_CRT, bytes(toPem(set.caCertificate())));
    files.put(CA_BUNDLE, bytes(caBundle(set.caCertificate())));

    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new NotDirectoryException(dir.toString());
    }
    if (!overwrite) {
      for (String name : files.keySet()) {
        Path target = dir.resolve(name);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          throw alreadyExists(target);
        }
      }
    }
    Files.createDirectories(dir);
    for (var file : files.entrySet()) {
      writeFile(
          dir.resolve(file.getKey()), file.getValue(), file.getKey().equals(TLS_KEY), overwrite);
    }
    return files.keySet().stream().map(dir::resolve).toList();
  }

  public static String toPem(X509Certificate certificate) {
    try {
      return pem("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("cannot be encoded as PEM: " + e.getMessage(), e);
    }
  }

  /** PKCS#8 {@code PRIVATE KEY} block, the format every TLS stack reads. */
  public static String toPem(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException(
          "private key is not PKCS#8-encodable (format " + key.getFormat() + ")");
    }
    return pem("PRIVATE KEY", key.getEncoded());
  }

  /** The content of {@link #CA_BUNDLE}. */
  public static String caBundle(X509Certificate ca) {
    return Base64.getEncoder().encodeToString(bytes(toPem(ca)));
  }

  /** One PEM block as RFC 7468 and openssl write it: 64 columns, "\n" line ends on every OS. */
  private static String pem(String label, byte[] der) {
    String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
  }

  private static void writeFile(Path target, byte[] content, boolean secret, boolean overwrite)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    // createTempFile makes the file owner-only on POSIX, so a key is never briefly world-readable.
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      Files.write(temp, content);
      if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(
            temp, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
      }
      if (overwrite) {
        Files.move(
            temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } else {
        try {
          Files.move(temp, target);
        } catch (FileAlreadyExistsException e) {
          throw alreadyExists(target);
        }
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static FileAlreadyExistsException alreadyExists(Path target) {
    return new FileAlreadyExistsException(
        target.toString(), null, "already exists; not overwriting certificates or keys");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
