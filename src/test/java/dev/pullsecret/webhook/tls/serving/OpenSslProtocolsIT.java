package dev.pullsecret.webhook.tls.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The admission port as an auditor sees it with OpenSSL ({@code certs/check-tls.sh}, which runs
 * {@code openssl s_client}): TLS 1.0 and 1.1 refused, 1.2 and 1.3 accepted, CBC suites refused.
 * Skipped, saying so, when openssl is not on the PATH. The same policy seen by the JDK's client,
 * and kept across a rotation, is in {@link CertificateRotationIT}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenSslProtocolsIT {

  private static final TestServerFiles FILES = TestServerFiles.create("pullsecret-openssl");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    FILES.properties((name, value) -> registry.add(name, () -> value));
  }

  @LocalServerPort int port;

  @Test
  void openSslSeesOnlyTls12And13WithAeadSuites() throws Exception {
    Assumptions.assumeTrue(onPath("openssl"), () -> skip("openssl is not on the PATH"));
    Path ca = FILES.dir().resolve("ca.crt");
    Files.writeString(ca, PemFiles.toPem(FILES.certificates().caCertificate()));

    var process =
        new ProcessBuilder(
                "bash",
                "certs/check-tls.sh",
                "127.0.0.1:" + port,
                ca.toString(),
                TestServerFiles.SERVICE_HOST)
            .redirectErrorStream(true)
            .start();
    boolean finished = process.waitFor(90, TimeUnit.SECONDS);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.println(output);

    assertThat(finished).as("check-tls.sh finished").isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("TLSv1.0 refused by the server")
        .contains("TLSv1.1 refused by the server")
        .contains("TLSv1.2 accepted (ECDHE-")
        .contains("TLSv1.3 accepted (TLS_")
        .contains("CBC suites only refused");
  }

  private static boolean onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }

  private static String skip(String reason) {
    System.out.println("Skipping the openssl check: " + reason);
    return reason;
  }
}
