package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.files.BoundedFiles;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The rules file on disk: read with a size guard, identified by a digest of its bytes.
 *
 * @param labelsKnown whether the webhook reading this file can know namespace labels (it has
 *     cluster access); when not, every {@code namespaceSelector} is refused ({@link
 *     RuleReader#NO_LABELS} says why)
 */
public record RulesFile(Path path, boolean labelsKnown) {

  public RulesFile(Path path) {
    this(path, true);
  }

  /** The file content; follows symbolic links, as a mounted ConfigMap is a chain of them. */
  public byte[] read() {
    try {
      return BoundedFiles.read(path, RulesParser.MAX_CHARACTERS * 4);
    } catch (IOException e) {
      throw refused(path.toString(), BoundedFiles.why(e));
    }
  }

  /**
   * Parses content returned by {@link #read()}, or read elsewhere (the rules ConfigMap read through
   * the API) the same way.
   */
  public Rules parse(byte[] content, String source) {
    try {
      return RulesParser.parse(BoundedFiles.utf8(content), source, labelsKnown);
    } catch (CharacterCodingException e) {
      throw refused(source, BoundedFiles.why(e));
    }
  }

  /** Short digest of content, for versions: the first 12 hex digits of its SHA-256. */
  public static String digest(byte[] content) {
    return fingerprint(content).substring(0, 12);
  }

  /**
   * Identifies the file's content now, for a reloader: its whole SHA-256, or why it cannot be read
   * (reported once until that changes). Never fails.
   */
  public String fingerprint() {
    try {
      return fingerprint(read());
    } catch (InvalidRulesException e) {
      return "unreadable: " + e.getMessage();
    }
  }

  /** Identifies content read elsewhere as {@link #fingerprint()} identifies the file's. */
  public static String fingerprint(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static InvalidRulesException refused(String source, String message) {
    return new InvalidRulesException(source, List.of(new RulesError("", 0, 0, message)));
  }
}
