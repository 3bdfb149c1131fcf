package dev.pullsecret.webhook.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one way the webhook reads a file: at most a known number of bytes, so a file that grew by
 * mistake or by malice (a 12 MB {@code tls.crt}) is refused with a message instead of filling the
 * heap. One read of {@code limit + 1} bytes rather than a size check then a read: the kubelet may
 * swap the file in between.
 */
public final class BoundedFiles {

  /**
   * Certificates, keys and CA bundles: they come from a Secret (or a ConfigMap), which holds at
   * most 1 MiB in all, so no single valid file is larger.
   */
  public static final int PEM_LIMIT = 1024 * 1024;

  private BoundedFiles() {}

  public static final class TooLargeException extends IOException {

    TooLargeException(int limit) {
      super("file too large: over " + limit + " bytes");
    }
  }

  /** The file is a FIFO, a device or a socket, none of which a Secret or ConfigMap mounts. */
  public static final class NotRegularFileException extends IOException {

    NotRegularFileException() {
      super("not a regular file");
    }
  }

  /**
   * The content of {@code file}, symbolic links followed; {@link TooLargeException} past limit.
   * Only a regular file is opened: opening a FIFO waits for a writer, which held a poller for good.
   */
  public static byte[] read(Path file, int limit) throws IOException {
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw new NotRegularFileException();
    }
    try (var in = Files.newInputStream(file)) {
      byte[] content = in.readNBytes(limit + 1);
      if (content.length > limit) {
        throw new TooLargeException(limit);
      }
      return content;
    }
  }

  /** Why a file could not be {@link #read} or decoded, in words fit for a located error. */
  public static String why(IOException e) {
    return switch (e) {
      case TooLargeException _, NotRegularFileException _ -> e.getMessage();
      case NoSuchFileException missing -> "file not found";
      case CharacterCodingException notText -> "not UTF-8 text";
      default -> "cannot read the file: " + e.getMessage();
    };
  }

  /**
   * {@code content} as strict UTF-8 text: a new decoder reports malformed bytes rather than replace
   * them; refusal: {@link #why}.
   */
  public static String utf8(byte[] content) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(content)).toString();
  }
}
