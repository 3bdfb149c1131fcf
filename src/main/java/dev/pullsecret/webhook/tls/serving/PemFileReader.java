package dev.pullsecret.webhook.tls.serving;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.joining;

import dev.pullsecret.webhook.files.BoundedFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.ssl.pem.PemContent;

/**
 * Reads certificates and keys from PEM files with Spring Boot's PEM parser ({@link PemContent}),
 * which knows the formats openssl, cert-manager and Helm write (PKCS#8, PKCS#1 RSA, SEC1 EC), and
 * turns each problem into a message about the file. Only the blocks' framing is looked at here
 * ({@code -----BEGIN X-----} to {@code -----END X-----}), to say which block is wrong and what the
 * file holds instead; each block's content is parsed by the library.
 *
 * <p>Not BouncyCastle, which the certificate generator uses: its jars are signed, and a signed jar
 * the server loads a class from keeps its verification data (a manifest entry and a digest per
 * class, some 5 MB of heap for BouncyCastle) for the life of the process. The server reads PEM on
 * every start and rotation; it needs no BouncyCastle class at all (bench/README.md, Footprint).
 */
final class PemFileReader {

  private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([^-\\r\\n]{1,64})-----");
  private static final String CERTIFICATE = "CERTIFICATE";
  private static final String ENCRYPTED_PKCS8 = "ENCRYPTED PRIVATE KEY";
  private static final Set<String> KEYS =
      Set.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");

  private PemFileReader() {}

  /** One PEM block: its position in the file (1-based), label and whole text, BEGIN to END. */
  private record Block(int number, String label, String text) {}

  /**
   * The certificates in {@code file}, in file order.
   *
   * @throws InvalidCertificateException if the file holds no readable certificate
   */
  static List<X509Certificate> certificates(Path file) {
    List<Block> blocks = readPem(file, CERTIFICATE);
    List<X509Certificate> certificates =
        blocks.stream()
            .filter(block -> block.label().equals(CERTIFICATE))
            .flatMap(block -> parse(file, block, PemContent::getCertificates).stream())
            .toList();
    if (certificates.isEmpty()) {
      throw nothingExpected(file, blocks, CERTIFICATE);
    }
    return certificates;
  }

  /**
   * The one unencrypted private key in {@code file}.
   *
   * @throws InvalidCertificateException if the file holds no key, several, or an encrypted one
   */
  static PrivateKey privateKey(Path file) {
    List<Block> blocks = readPem(file, "PRIVATE KEY");
    List<Block> keys = blocks.stream().filter(block -> KEYS.contains(block.label())).toList();
    if (blocks.stream().anyMatch(block -> block.label().equals(ENCRYPTED_PKCS8))
        || keys.stream().anyMatch(key -> key.text().contains("Proc-Type: 4,ENCRYPTED"))) {
      throw new InvalidCertificateException(
          file,
          "private key is encrypted, which is not supported; store it unencrypted in the Secret"
              + " (for example: openssl pkey -in encrypted.key -out tls.key)");
    }
    if (keys.isEmpty()) {
      throw nothingExpected(file, blocks, "PRIVATE KEY");
    }
    if (keys.size() > 1) {
      throw new InvalidCertificateException(
          file, "contains " + keys.size() + " private keys; expected exactly one");
    }
    return parse(file, keys.getFirst(), PemContent::getPrivateKey);
  }

  /** One block's content, parsed by the library. */
  private static <T> T parse(Path file, Block block, Function<PemContent, T> parser) {
    try {
      return parser.apply(PemContent.of(block.text()));
    } catch (RuntimeException e) {
      throw malformed(file, block.number(), e.getMessage(), e);
    }
  }

  private static InvalidCertificateException malformed(
      Path file, int block, String detail, Exception cause) {
    return new InvalidCertificateException(
        file,
        "malformed PEM in block " + block + ", the file may be truncated or corrupted: " + detail,
        cause);
  }

  /**
   * No block of the expected type: an unknown block is named, else what the file holds instead,
   * e.g. "1 private key", to tell swapped files apart.
   */
  private static InvalidCertificateException nothingExpected(
      Path file, List<Block> blocks, String expectedType) {
    for (Block block : blocks) {
      if (kind(block.label()) == null) {
        return new InvalidCertificateException(
            file,
            "unsupported PEM block -----BEGIN %s----- (expected %s)"
                .formatted(block.label(), expectedType));
      }
    }
    String found =
        blocks.stream()
            .collect(groupingBy(block -> kind(block.label()), TreeMap::new, counting()))
            .entrySet()
            .stream()
            .map(kind -> kind.getValue() + " " + kind.getKey() + (kind.getValue() > 1 ? "s" : ""))
            .collect(joining(", "));
    return new InvalidCertificateException(
        file, "contains no %s (found %s)".formatted(expectedType.toLowerCase(Locale.ROOT), found));
  }

  /** What a block holds, in words; null for a block no certificate or key file holds. */
  private static String kind(String label) {
    return switch (label) {
      case CERTIFICATE -> "certificate";
      case ENCRYPTED_PKCS8 -> "encrypted private key";
      case "EC PARAMETERS" -> "EC PARAMETERS block";
      case String key when KEYS.contains(key) -> "private key";
      default -> null;
    };
  }

  /** The PEM blocks in the file, each checked to end where it should. */
  private static List<Block> readPem(Path file, String expectedType) {
    byte[] bytes = readBytes(file);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    if (text.isBlank()) {
      throw new InvalidCertificateException(file, "file is empty");
    }
    var blocks = new ArrayList<Block>();
    Matcher begin = BEGIN.matcher(text);
    while (begin.find()) {
      String label = begin.group(1);
      String end = "-----END " + label + "-----";
      int endAt = text.indexOf(end, begin.end());
      int nextBegin = text.indexOf("-----BEGIN ", begin.end());
      if (endAt < 0 || (nextBegin >= 0 && nextBegin < endAt)) {
        throw malformed(file, blocks.size() + 1, end + " not found", null);
      }
      blocks.add(
          new Block(blocks.size() + 1, label, text.substring(begin.start(), endAt + end.length())));
      begin.region(endAt + end.length(), text.length());
    }
    if (blocks.isEmpty()) {
      String hint =
          bytes[0] == 0x30
              ? "; the file looks like binary DER, convert it to PEM with openssl"
              : "";
      throw new InvalidCertificateException(
          file, "no PEM block found (expected -----BEGIN " + expectedType + "-----)" + hint);
    }
    return blocks;
  }

  private static byte[] readBytes(Path file) {
    try {
      return BoundedFiles.read(file, BoundedFiles.PEM_LIMIT);
    } catch (BoundedFiles.TooLargeException e) {
      throw new InvalidCertificateException(
          file,
          e.getMessage() + " (a Secret holds at most 1 MiB); the files in force keep serving");
    } catch (BoundedFiles.NotRegularFileException e) {
      String what =
          Files.isDirectory(file) ? "is a directory, expected a PEM file" : e.getMessage();
      throw new InvalidCertificateException(file, what, e);
    } catch (NoSuchFileException e) {
      throw new InvalidCertificateException(file, "file does not exist", e);
    } catch (AccessDeniedException e) {
      throw new InvalidCertificateException(file, "permission denied", e);
    } catch (IOException e) {
      throw new InvalidCertificateException(file, "cannot be read: " + e, e);
    }
  }
}
