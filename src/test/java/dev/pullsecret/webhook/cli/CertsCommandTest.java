package dev.pullsecret.webhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.tls.serving.ServingIdentity;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CertsCommandTest {

  private static final Instant NOW = Instant.parse("2031-03-04T05:06:07Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir Path temp;

  /** One in-process run: exit code and both streams. */
  private static CommandRun run(String... args) {
    var certs = new CertsCommand();
    certs.clock = CLOCK;
    return CommandRun.of(certs, args);
  }

  @Test
  void writesLoadableFilesAndPrintsWhatWasWritten() throws Exception {
    Path dir = temp.resolve("out");

    CommandRun result = run("--out", dir.toString(), "--ip", "10.0.0.1", "--dns=hook.example.com");

    assertThat(result.exitCode()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(dir.resolve("tls.crt")).isRegularFile();
    assertThat(dir.resolve("tls.key")).isRegularFile();
    assertThat(dir.resolve("ca.crt")).isRegularFile();
    assertThat(dir.resolve("caBundle.b64")).isRegularFile();
    var identity = ServingIdentity.load(dir.resolve("tls.crt"), dir.resolve("tls.key"), CLOCK);
    assertThat(identity.dnsNames())
        .containsExactly(
            "pullsecret-webhook",
            "pullsecret-webhook.pullsecret-webhook",
            "pullsecret-webhook.pullsecret-webhook.svc",
            "pullsecret-webhook.pullsecret-webhook.svc.cluster.local",
            "hook.example.com");
    assertThat(identity.privateKey().getAlgorithm()).isEqualTo("EC");
    assertThat(result.out())
        .contains(dir.resolve("tls.crt").toString())
        .contains("DNS:pullsecret-webhook.pullsecret-webhook.svc\n")
        .contains("DNS:hook.example.com\n")
        .contains("IP:10.0.0.1\n")
        .contains("Valid until: 2032-03-03T05:06:07Z (365 days)")
        .contains("SHA-256 fingerprint: " + identity.fingerprintSha256())
        .contains("--set webhook.caBundle=\"$(cat " + dir.resolve("caBundle.b64") + ")\"")
        .contains("create secret generic pullsecret-webhook-tls --type=kubernetes.io/tls");
  }

  @Test
  void caBundleDecodesToTheCaPemThatSignedTheServingCertificate() throws Exception {
    Path dir = temp.resolve("out");
    assertThat(run("--out", dir.toString()).exitCode()).isZero();

    byte[] pem = Base64.getDecoder().decode(Files.readString(dir.resolve("caBundle.b64")));

    assertThat(new String(pem, StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(pem).isEqualTo(Files.readAllBytes(dir.resolve("ca.crt")));
    var x509 = CertificateFactory.getInstance("X.509");
    var ca = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(pem));
    var serving =
        (X509Certificate) x509.generateCertificate(Files.newInputStream(dir.resolve("tls.crt")));
    assertThat(ca.getBasicConstraints()).isNotNegative();
    serving.verify(ca.getPublicKey());
  }

  @Test
  void refusesToOverwriteWithoutForce() throws Exception {
    Path dir = temp.resolve("out");
    assertThat(run("--out", dir.toString()).exitCode()).isZero();
    byte[] before = Files.readAllBytes(dir.resolve("tls.key"));

    CommandRun again = run("--out", dir.toString());

    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.out()).isEmpty();
    assertThat(again.err())
        .isEqualTo(
            "certs: "
                + dir.resolve("tls.crt")
                + " already exists; pass --force to replace the files in "
                + dir
                + "\n");
    assertThat(Files.readAllBytes(dir.resolve("tls.key"))).isEqualTo(before);

    CommandRun forced = run("--out", dir.toString(), "--force");

    assertThat(forced.exitCode()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("tls.key"))).isNotEqualTo(before);
  }

  @Test
  void helpIsAManPageOnStdout() {
    for (String flag : List.of("--help", "-h")) {
      CommandRun result = run("--namespace", "x", flag);

      assertThat(result.exitCode()).isZero();
      assertThat(result.err()).isEmpty();
      assertThat(result.out())
          .contains("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "FILES", "EXIT STATUS")
          .contains("EXAMPLES")
          .contains("--service NAME", "--namespace NS", "--dns NAME", "--ip ADDR")
          .contains("--validity-days N", "--key-algorithm ALG", "--out DIR", "--force")
          .contains("Default: 365", "Default: certs/out", "caBundle.b64")
          .contains("--set webhook.caBundle=\"$(cat certs/out/caBundle.b64)\"");
      assertThat(result.out().lines()).allSatisfy(line -> assertThat(line).hasSizeLessThan(80));
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--bogus                      | unknown option '--bogus'",
        "--out                        | --out needs a value",
        "--service --namespace x      | --service needs a value",
        "--out=                       | --out needs a non-empty value",
        "extra                        | unexpected argument 'extra'",
        "--service a --service b      | --service given more than once",
        "--force=yes                  | --force takes no value",
        "--validity-days 0            | --validity-days must be a positive whole number of days,"
            + " got '0'",
        "--validity-days 1y           | got '1y'",
        "--key-algorithm dsa          | --key-algorithm: unknown key algorithm 'dsa' (expected"
            + " one of: ecdsa-p256, rsa-2048, rsa-3072, rsa-4096)",
        "--service Web_Hook           | service name 'Web_Hook' is not a valid DNS-1035 label",
        "--namespace a.b              | namespace 'a.b' is not a valid DNS-1123 label",
        "--dns UPPER.example.com      | DNS name 'UPPER.example.com' is not a valid DNS-1123",
        "--ip 10.0.0                  | IP address '10.0.0' is not a valid IP literal",
      })
  void usageErrorsExitWith2AndOneLineWithoutStackTrace(String args, String message) {
    Path dir = temp.resolve("out");
    var argv = new ArrayList<>(List.of(args.trim().split(" +")));
    if (argv.stream().noneMatch(arg -> arg.startsWith("--out"))) {
      argv.addFirst("--out=" + dir); // a run that wrongly succeeds stays out of the work tree
    }

    CommandRun result = run(argv.toArray(String[]::new));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .startsWith("certs: ")
        .contains(message)
        .endsWith(" (see 'certs --help')\n");
    assertThat(result.err().lines()).hasSize(1);
    assertThat(result.err()).doesNotContain("Exception", "\tat ");
    assertThat(dir).doesNotExist();
  }

  @Test
  void unwritableOutputIsAFailureNotAUsageError() throws Exception {
    Path file = Files.writeString(temp.resolve("not-a-dir"), "");

    CommandRun result = run("--out", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("certs: cannot write to " + file + ": " + file + " is not a directory\n");
  }

  @Test
  void printedCommandsQuotePathsWithSpaces() {
    Path dir = temp.resolve("my certs");

    CommandRun result = run("--out", dir.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("$(cat '" + dir.resolve("caBundle.b64") + "')");
  }

  @Test
  void isRegisteredAsTheCertsCommandOfTheJar() {
    assertThat(Cli.selectsCommand(new String[] {"certs", "--help"})).isTrue();
    assertThat(CommandRun.jar("certs", "--help").out()).startsWith("NAME\n    certs - ");
  }
}
