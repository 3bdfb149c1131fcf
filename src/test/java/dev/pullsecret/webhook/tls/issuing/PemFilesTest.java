package dev.pullsecret.webhook.tls.issuing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

  private static CertificateSet set;

  @TempDir Path temp;

  @BeforeAll
  static void generate() {
    set =
        CertificateGenerator.generate(
            new CertificateSpec(
                "pullsecret-webhook",
                "pullsecret-webhook",
                List.of(),
                List.of(),
                Duration.ofDays(365),
                KeyAlgorithm.DEFAULT),
            Clock.systemUTC());
  }

  @Test
  void writesTheKubernetesTlsSecretLayoutPlusCaBundle() throws Exception {
    Path dir = temp.resolve("nested/out");

    var written = PemFiles.write(set, dir, false);

    assertThat(written)
        .containsExactly(
            dir.resolve("tls.crt"),
            dir.resolve("tls.key"),
            dir.resolve("ca.crt"),
            dir.resolve("caBundle.b64"));
    try (var files = Files.list(dir)) {
      assertThat(files).hasSize(4); // no temporary files left behind
    }
    var x509 = CertificateFactory.getInstance("X.509");
    assertThat(x509.generateCertificate(Files.newInputStream(dir.resolve("tls.crt"))))
        .isEqualTo(set.servingCertificate());
    assertThat(x509.generateCertificate(Files.newInputStream(dir.resolve("ca.crt"))))
        .isEqualTo(set.caCertificate());
  }

  @Test
  void keyIsPkcs8Pem() throws Exception {
    PemFiles.write(set, temp, false);

    String pem = Files.readString(temp.resolve("tls.key"));
    assertThat(pem)
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    byte[] der =
        Base64.getMimeDecoder()
            .decode(pem.replaceAll("-----[A-Z ]+-----", "").getBytes(StandardCharsets.US_ASCII));
    var key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    assertThat(key).isEqualTo(set.servingKey());
  }

  @Test
  void pemLinesAreAtMost64CharactersWithUnixLineEnds() throws Exception {
    PemFiles.write(set, temp, false);

    String pem = Files.readString(temp.resolve("tls.crt"));
    assertThat(pem).doesNotContain("\r");
    assertThat(pem.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(64));
  }

  @Test
  void caBundleIsBase64OfTheCaPemWithoutNewline() throws Exception {
    PemFiles.write(set, temp, false);

    String bundle = Files.readString(temp.resolve("caBundle.b64"));
    assertThat(bundle).doesNotContain("\n");
    assertThat(Base64.getDecoder().decode(bundle))
        .isEqualTo(Files.readAllBytes(temp.resolve("ca.crt")));
    var decoded =
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(bundle)));
    assertThat(decoded).isEqualTo(set.caCertificate());
  }

  @Test
  void keyIsOwnerOnlyAndCertificatesAreWorldReadable() throws Exception {
    assumeThat(temp.getFileSystem().supportedFileAttributeViews()).contains("posix");

    PemFiles.write(set, temp, false);

    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(temp.resolve("tls.key"))))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(temp.resolve("tls.crt"))))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void refusesToOverwriteAndWritesNothingWhenAnyTargetExists() throws Exception {
    Files.writeString(temp.resolve("ca.crt"), "keep me");

    assertThatThrownBy(() -> PemFiles.write(set, temp, false))
        .isInstanceOfSatisfying(
            FileAlreadyExistsException.class,
            e -> assertThat(e.getFile()).isEqualTo(temp.resolve("ca.crt").toString()))
        .hasMessageContaining("ca.crt: already exists");
    assertThat(Files.readString(temp.resolve("ca.crt"))).isEqualTo("keep me");
    assertThat(temp.resolve("tls.crt")).doesNotExist();
    assertThat(temp.resolve("tls.key")).doesNotExist();
  }

  @Test
  void overwritesWhenAsked() throws Exception {
    PemFiles.write(set, temp, false);
    Files.writeString(temp.resolve("tls.key"), "old");

    PemFiles.write(set, temp, true);

    assertThat(Files.readString(temp.resolve("tls.key")))
        .isEqualTo(PemFiles.toPem(set.servingKey()));
    try (var files = Files.list(temp)) {
      assertThat(files).hasSize(4);
    }
  }

  @Test
  void outputDirectoryThatIsAFileIsReported() throws Exception {
    Path file = Files.writeString(temp.resolve("out"), "");

    assertThatThrownBy(() -> PemFiles.write(set, file, true))
        .isInstanceOf(NotDirectoryException.class)
        .hasMessage(file.toString());
  }
}
