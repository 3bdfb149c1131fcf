package dev.pullsecret.webhook.tls.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.testing.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The local profile's certificates ({@code webhook.tls.self-signed-dir}). */
@ExtendWith(OutputCaptureExtension.class)
class LocalCertificatesTest {

  @TempDir Path dir;

  private final TestClock clock = new TestClock(Instant.parse("2030-06-01T12:00:00Z"));

  @Test
  void generatesACaAndALocalhostCertificateThatLoad(CapturedOutput output) {
    var files = TlsConfiguration.localFiles(dir, null, clock);

    var identity = ServingIdentity.load(files.certFile(), files.keyFile(), clock);
    assertThat(identity.dnsNames()).contains("localhost");
    assertThat(identity.notAfter()).isEqualTo(clock.instant().plus(Duration.ofDays(30)));
    assertThat(dir.resolve("ca.crt")).exists();
    assertThat(output).contains("Generated a local CA and a certificate for localhost in " + dir);
  }

  @Test
  void reusesThemWhileMoreThanADayIsLeft(CapturedOutput output) throws Exception {
    TlsConfiguration.localFiles(dir, null, clock);
    String first = Files.readString(dir.resolve("tls.crt"));

    clock.advance(Duration.ofDays(28));
    TlsConfiguration.localFiles(dir, null, clock);

    assertThat(Files.readString(dir.resolve("tls.crt"))).isEqualTo(first);
    assertThat(output).contains("Serving the local certificate in " + dir);
  }

  @Test
  void replacesThemWithADayOrLessLeft() throws Exception {
    TlsConfiguration.localFiles(dir, null, clock);
    String first = Files.readString(dir.resolve("tls.crt"));

    clock.advance(Duration.ofDays(29));
    TlsConfiguration.localFiles(dir, null, clock);

    assertThat(Files.readString(dir.resolve("tls.crt"))).isNotEqualTo(first);
  }

  @Test
  void replacesFilesThatDoNotLoad(CapturedOutput output) throws Exception {
    Files.writeString(dir.resolve("tls.crt"), "garbage\n");
    Files.writeString(dir.resolve("tls.key"), "garbage\n");

    var files = TlsConfiguration.localFiles(dir, null, clock);

    assertThat(output).contains("Replacing the local certificate in " + dir);
    assertThat(ServingIdentity.load(files.certFile(), files.keyFile(), clock).dnsNames())
        .contains("localhost");
  }
}
