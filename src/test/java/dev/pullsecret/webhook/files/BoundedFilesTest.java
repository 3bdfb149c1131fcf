package dev.pullsecret.webhook.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class BoundedFilesTest {

  @Test
  void malformedUtf8IsRefusedNotReplaced() {
    var e =
        catchThrowableOfType(
            CharacterCodingException.class,
            () -> BoundedFiles.utf8(new byte[] {'r', 'u', (byte) 0xC3, 0x28}));

    assertThat(BoundedFiles.why(e)).isEqualTo("not UTF-8 text");
  }

  @Test
  void aFileOverTheLimitIsRefusedWithTheLimit(@TempDir Path dir) throws IOException {
    Path file = Files.write(dir.resolve("tls.crt"), new byte[11]);

    var e = catchThrowableOfType(IOException.class, () -> BoundedFiles.read(file, 10));

    assertThat(BoundedFiles.why(e)).isEqualTo("file too large: over 10 bytes");
    assertThat(BoundedFiles.read(file, 11)).hasSize(11);
  }

  /**
   * Opening a FIFO waits for a writer: a {@code tls.crt} replaced by one held the certificate
   * poller in the open for good (no later pair was ever loaded, and no refusal was logged).
   */
  @Test
  @EnabledOnOs(OS.LINUX)
  void aFifoIsRefusedWithoutWaitingForAWriter(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("tls.crt");
    new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();

    var e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () -> catchThrowableOfType(IOException.class, () -> BoundedFiles.read(fifo, 10)));

    assertThat(BoundedFiles.why(e)).isEqualTo("not a regular file");
  }
}
