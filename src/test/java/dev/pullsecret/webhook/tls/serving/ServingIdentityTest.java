package dev.pullsecret.webhook.tls.serving;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.tls.issuing.CertificateGenerator;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.CertificateSpec;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ServingIdentityTest {

  private static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static final CertificateSpec EC_SPEC =
      new CertificateSpec(
          "pullsecret-webhook",
          "pullsecret-webhook",
          List.of(),
          List.of("127.0.0.1"),
          Duration.ofDays(30),
          KeyAlgorithm.ECDSA_P256);
  private static final CertificateSet EC = CertificateGenerator.generate(EC_SPEC, CLOCK);
  private static final CertificateSet OTHER_EC = CertificateGenerator.generate(EC_SPEC, CLOCK);
  private static final CertificateSet RSA =
      CertificateGenerator.generate(
          TestCertificates.serviceSpec(Duration.ofDays(30), KeyAlgorithm.RSA_2048), CLOCK);
  private static final CertificateSet EXPIRED =
      CertificateGenerator.generate(
          EC_SPEC, Clock.fixed(NOW.minus(Duration.ofDays(31)), ZoneOffset.UTC));
  private static final CertificateSet NOT_YET_VALID =
      CertificateGenerator.generate(
          EC_SPEC, Clock.fixed(NOW.plus(Duration.ofDays(1)), ZoneOffset.UTC));

  private static final String CERT = PemFiles.toPem(EC.servingCertificate());
  private static final String KEY = PemFiles.toPem(EC.servingKey());
  private static final String CA = PemFiles.toPem(EC.caCertificate());

  @TempDir Path dir;

  /** One broken input: file contents (null = file absent) and what the error must say. */
  record Case(String name, String cert, String key, String badFile, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> badFiles() throws Exception {
    String[] certLines = CERT.split("\n");
    return Stream.of(
        new Case("cert missing", null, KEY, "tls.crt", "file does not exist"),
        new Case("key missing", CERT, null, "tls.key", "file does not exist"),
        new Case("cert empty", "", KEY, "tls.crt", "file is empty"),
        new Case("key only whitespace", CERT, "\n  \n", "tls.key", "file is empty"),
        new Case(
            "cert truncated before END",
            CERT.substring(0, CERT.length() / 2),
            KEY,
            "tls.crt",
            "malformed PEM in block 1, the file may be truncated or corrupted: -----END"
                + " CERTIFICATE----- not found"),
        new Case(
            "cert body cut out",
            certLines[0] + "\n" + certLines[1] + "\n" + certLines[certLines.length - 1] + "\n",
            KEY,
            "tls.crt",
            "the file may be truncated or corrupted"),
        new Case(
            "key body garbled",
            CERT,
            KEY.replace(KEY.split("\n")[1], "!!!!not base64!!!!"),
            "tls.key",
            "the file may be truncated or corrupted"),
        new Case(
            "garbage text",
            "certificate goes here\n",
            KEY,
            "tls.crt",
            "no PEM block found (expected -----BEGIN CERTIFICATE-----)"),
        new Case(
            "binary DER instead of PEM",
            new String(EC.servingCertificate().getEncoded(), ISO_8859_1),
            KEY,
            "tls.crt",
            "looks like binary DER"),
        new Case(
            "unknown PEM type",
            TestCertificates.pem("FOO", new byte[] {1, 2, 3}),
            KEY,
            "tls.crt",
            "unsupported PEM block -----BEGIN FOO----- (expected CERTIFICATE)"),
        new Case(
            "cert file holds the key",
            KEY,
            KEY,
            "tls.crt",
            "contains no certificate (found 1 private key)"),
        new Case(
            "key file holds certificates",
            CERT,
            CERT + CA,
            "tls.key",
            "contains no private key (found 2 certificates)"),
        new Case(
            "two keys",
            CERT,
            KEY + PemFiles.toPem(OTHER_EC.servingKey()),
            "tls.key",
            "contains 2 private keys; expected exactly one"),
        new Case(
            "encrypted PKCS#8 key",
            CERT,
            TestCertificates.pem("ENCRYPTED PRIVATE KEY", encryptedPkcs8()),
            "tls.key",
            "private key is encrypted, which is not supported"),
        new Case(
            "encrypted traditional key",
            CERT,
            """
            -----BEGIN EC PRIVATE KEY-----
            Proc-Type: 4,ENCRYPTED
            DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF

            AAECAwQFBgcICQoLDA0ODw==
            -----END EC PRIVATE KEY-----
            """,
            "tls.key",
            "private key is encrypted, which is not supported"),
        new Case(
            "key from another generation",
            CERT,
            PemFiles.toPem(OTHER_EC.servingKey()),
            "tls.key",
            "private key does not match the public key of the first certificate"),
        new Case(
            "CA key instead of serving key",
            CERT,
            PemFiles.toPem(EC.caKey()),
            "tls.key",
            "private key does not match"),
        new Case(
            "RSA key for an EC certificate",
            CERT,
            PemFiles.toPem(RSA.servingKey()),
            "tls.key",
            "private key is RSA but the public key of the first certificate"),
        new Case(
            "CA before serving certificate",
            CA + CERT,
            KEY,
            "tls.key",
            "or the serving certificate is not first in the file"),
        new Case(
            "chain with a foreign CA",
            CERT + PemFiles.toPem(OTHER_EC.caCertificate()),
            KEY,
            "tls.crt",
            "certificate 1 (CN=pullsecret-webhook.pullsecret-webhook.svc,O=pullsecret-webhook) is"
                + " not signed by certificate 2"),
        new Case(
            "expired",
            PemFiles.toPem(EXPIRED.servingCertificate()),
            PemFiles.toPem(EXPIRED.servingKey()),
            "tls.crt",
            "expired: notAfter 2030-05-31T12:00:00Z is before now (2030-06-01T12:00:00Z)"),
        new Case(
            "not yet valid",
            PemFiles.toPem(NOT_YET_VALID.servingCertificate()),
            PemFiles.toPem(NOT_YET_VALID.servingKey()),
            "tls.crt",
            "is not yet valid: notBefore 2030-06-02T11:55:00Z is after now"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void badFilesAreReportedWithFileAndReason(Case c) throws Exception {
    Path cert = write("tls.crt", c.cert());
    Path key = write("tls.key", c.key());

    assertThatThrownBy(() -> ServingIdentity.load(cert, key, CLOCK))
        .isInstanceOf(InvalidCertificateException.class)
        .hasMessageStartingWith(dir.resolve(c.badFile()) + ": ")
        .hasMessageContaining(c.message());
  }

  @Test
  void cnOnlyCertificateIsRejectedBecauseGoIgnoresTheCommonName() throws Exception {
    var keys = KeyAlgorithm.ECDSA_P256.generateKeyPair(new SecureRandom());
    var cnOnly = TestCertificates.cnOnly(EC, "pullsecret-webhook.pullsecret-webhook.svc", keys);
    Path cert = write("tls.crt", PemFiles.toPem(cnOnly));
    Path key = write("tls.key", PemFiles.toPem(keys.getPrivate()));

    assertThatThrownBy(() -> ServingIdentity.load(cert, key, Clock.systemUTC()))
        .isInstanceOf(InvalidCertificateException.class)
        .hasMessage(
            cert
                + ": certificate (CN=pullsecret-webhook.pullsecret-webhook.svc) has no"
                + " subjectAltName DNS or IP entry; the Kubernetes API server (Go TLS) rejects"
                + " certificates that rely on the legacy Common Name field");
  }

  @Test
  void directoryInsteadOfFileIsReported() throws Exception {
    Path key = write("tls.key", KEY);

    assertThatThrownBy(() -> ServingIdentity.load(dir, key, CLOCK))
        .hasMessage(dir + ": is a directory, expected a PEM file");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void fifoInsteadOfFileIsReportedWithoutWaitingForAWriter() throws Exception {
    Path key = write("tls.key", KEY);
    Path fifo = dir.resolve("tls.crt");
    new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();

    assertThatThrownBy(() -> ServingIdentity.load(fifo, key, CLOCK))
        .hasMessage(fifo + ": not a regular file");
  }

  @Test
  void loadsGeneratedFilesAndExposesWhatLogsNeed() throws Exception {
    PemFiles.write(EC, dir, false);

    ServingIdentity identity =
        ServingIdentity.load(dir.resolve("tls.crt"), dir.resolve("tls.key"), CLOCK);

    assertThat(identity.chain()).containsExactly(EC.servingCertificate());
    assertThat(identity.privateKey()).isEqualTo(EC.servingKey());
    assertThat(identity.dnsNames()).isEqualTo(EC_SPEC.dnsNames());
    assertThat(identity.certificate().getSubjectAlternativeNames())
        .contains(List.of(ServingIdentity.SAN_IP, "127.0.0.1"));
    assertThat(identity.notAfter()).isEqualTo(NOW.plus(Duration.ofDays(30)));
    byte[] sha256 =
        MessageDigest.getInstance("SHA-256").digest(EC.servingCertificate().getEncoded());
    assertThat(identity.fingerprintSha256())
        .isEqualTo(HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha256))
        .hasSize(32 * 3 - 1);
    assertThat(identity.toString())
        .contains(identity.fingerprintSha256())
        .doesNotContain(KEY.lines().skip(1).findFirst().orElseThrow());
  }

  @Test
  void acceptsPkcs1RsaKey() throws Exception {
    Path cert = write("tls.crt", PemFiles.toPem(RSA.servingCertificate()));
    Path key = write("tls.key", TestCertificates.pkcs1Pem(RSA.servingKey()));
    assertThat(Files.readString(key)).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    var identity = ServingIdentity.load(cert, key, CLOCK);

    assertThat(identity.privateKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(identity.privateKey().getEncoded()).isEqualTo(RSA.servingKey().getEncoded());
  }

  @Test
  void acceptsSec1EcKeyWithCurveParameters() throws Exception {
    Path cert = write("tls.crt", CERT);
    // openssl ecparam -genkey writes an EC PARAMETERS block before the key.
    Path key =
        write(
            "tls.key",
            "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + TestCertificates.sec1Pem(
                    EC.servingKey(), EC.servingCertificate().getPublicKey()));

    var identity = ServingIdentity.load(cert, key, CLOCK);

    assertThat(identity.privateKey().getAlgorithm()).isIn("EC", "ECDSA");
  }

  @Test
  void acceptsChainWithCaAndCombinedCertificateAndKeyFile() throws Exception {
    Path combined = write("combined.pem", "subject=... (openssl output)\n" + CERT + CA + KEY);

    var identity = ServingIdentity.load(combined, combined, CLOCK);

    assertThat(identity.chain()).containsExactly(EC.servingCertificate(), EC.caCertificate());
  }

  @Test
  void validityBoundariesAreInclusive() throws Exception {
    Path cert = write("tls.crt", CERT);
    Path key = write("tls.key", KEY);
    Instant notAfter = EC.servingCertificate().getNotAfter().toInstant();
    Instant notBefore = EC.servingCertificate().getNotBefore().toInstant();

    ServingIdentity.load(cert, key, Clock.fixed(notAfter, ZoneOffset.UTC));
    ServingIdentity.load(cert, key, Clock.fixed(notBefore, ZoneOffset.UTC));
    assertThatThrownBy(
            () ->
                ServingIdentity.load(
                    cert, key, Clock.fixed(notAfter.plusSeconds(1), ZoneOffset.UTC)))
        .hasMessageContaining("expired");
  }

  private Path write(String name, String content) throws Exception {
    Path file = dir.resolve(name);
    if (content != null) {
      Files.write(file, content.getBytes(ISO_8859_1));
    }
    return file;
  }

  /** What {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} writes. */
  private static byte[] encryptedPkcs8() throws Exception {
    var encryptor =
        new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
            .setProvider(new BouncyCastleProvider()) // JDK lacks the PKCS7Padding alias
            .setPassword("s3cret".toCharArray())
            .build();
    return new JcaPKCS8Generator(EC.servingKey(), encryptor).generate().getContent();
  }
}
