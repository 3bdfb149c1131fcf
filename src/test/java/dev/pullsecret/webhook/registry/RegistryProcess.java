package dev.pullsecret.webhook.registry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pullsecret.webhook.tls.issuing.CertificateGenerator;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.CertificateSpec;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Assumptions;

/**
 * A real registry (Debian's {@code docker-registry}: CNCF Distribution 2.8) as a process of its
 * own, on an ephemeral loopback port read from its log, with TLS from the project's certificate
 * generator, a temporary storage directory, and either htpasswd basic auth or token auth. The
 * package's systemd service plays no part: its config and port are not used.
 */
final class RegistryProcess implements AutoCloseable {

  static final String BINARY = "/usr/bin/docker-registry";
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final Path dir;
  private final Path log;
  private final int port;
  private volatile boolean frozen;

  private RegistryProcess(Process process, Path dir, Path log, int port) {
    this.process = process;
    this.dir = dir;
    this.log = log;
    this.port = port;
  }

  /** The binary, or the test is skipped (or fails on CI, where .ci/run installs it). */
  static void requireBinary() {
    if (Files.isExecutable(Path.of(BINARY))) {
      return;
    }
    String message = BINARY + " not found: apt-get install docker-registry (.ci/run does)";
    if ("true".equals(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
  }

  /** A registry whose pulls and pushes need {@code user}'s basic credential. */
  static RegistryProcess withHtpasswd(Path dir, String user, String password) {
    return withHtpasswd(dir, certificates(KeyAlgorithm.ECDSA_P256), user, password);
  }

  static RegistryProcess withHtpasswd(
      Path dir, CertificateSet certificates, String user, String password) {
    return withUsers(dir, certificates, Map.of(user, password));
  }

  /** A registry whose pulls and pushes need the basic credential of one of {@code users}. */
  static RegistryProcess withUsers(
      Path dir, CertificateSet certificates, Map<String, String> users) {
    createDirectories(dir);
    writeHtpasswd(dir, users);
    return start(
        dir,
        certificates,
        """
        auth:
          htpasswd:
            realm: test-registry
            path: %s
        """
            .formatted(dir.resolve("htpasswd")));
  }

  /**
   * Replaces the registry's users: it reads its htpasswd file again when the file changes (as
   * Distribution 2.8 does), so a user left out is refused from the next request on, as a registry
   * refuses a token that expired.
   */
  void users(Map<String, String> users) {
    writeHtpasswd(dir, users);
  }

  private static void writeHtpasswd(Path dir, Map<String, String> users) {
    StringBuilder lines = new StringBuilder();
    users.forEach(
        (user, password) -> {
          byte[] salt = new byte[16];
          new SecureRandom().nextBytes(salt);
          // Cost 4, the lowest bcrypt allows: the tests authenticate often and prove nothing by
          // waiting.
          lines
              .append(user)
              .append(':')
              .append(OpenBSDBCrypt.generate("2a", password.toCharArray(), salt, 4))
              .append('\n');
        });
    Path file = dir.resolve("htpasswd");
    Path next = dir.resolve("htpasswd.next");
    write(next, lines.toString());
    try {
      Files.move(
          next,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A registry that sends clients to {@code realm} for tokens and trusts those signed by a key
   * whose certificate chains to the CA of {@code certificates} (which also serve its TLS).
   */
  static RegistryProcess withTokenAuth(
      Path dir, CertificateSet certificates, String realm, String service) {
    return start(
        dir,
        certificates,
        """
        auth:
          token:
            realm: %s
            service: %s
            issuer: test-issuer
            rootcertbundle: %s
        """
            .formatted(realm, service, dir.resolve(PemFiles.CA_CRT)));
  }

  /** A CA and a certificate for localhost and 127.0.0.1, from the project's own generator. */
  static CertificateSet certificates(KeyAlgorithm algorithm) {
    var spec =
        new CertificateSpec(
            "registry",
            "test",
            List.of("localhost"),
            List.of("127.0.0.1"),
            Duration.ofDays(1),
            algorithm);
    return CertificateGenerator.generate(spec, Clock.systemUTC());
  }

  private static RegistryProcess start(Path dir, CertificateSet certificates, String auth) {
    requireBinary();
    try {
      PemFiles.write(certificates, dir, true);
      Files.createDirectories(dir.resolve("storage"));
      Path config = dir.resolve("config.yml");
      write(
          config,
          """
          version: 0.1
          log:
            level: info
            accesslog:
              disabled: true
          storage:
            filesystem:
              rootdirectory: %s
          http:
            addr: 127.0.0.1:0
            secret: test-secret
            tls:
              certificate: %s
              key: %s
          %s"""
              .formatted(
                  dir.resolve("storage"),
                  dir.resolve(PemFiles.TLS_CRT),
                  dir.resolve(PemFiles.TLS_KEY),
                  auth));
      Path log = dir.resolve("registry.log");
      Process process =
          new ProcessBuilder(BINARY, "serve", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      int port = awaitPort(process, log);
      return new RegistryProcess(process, dir, log, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int awaitPort(Process process, Path log) {
    int[] port = {0};
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .failFast("registry exited: " + tail(log), () -> !process.isAlive())
        .until(
            () -> {
              Matcher m = LISTENING.matcher(tail(log));
              if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
              }
              return port[0] > 0;
            });
    return port[0];
  }

  /** {@code 127.0.0.1:<port>}: an image domain and the authority of the registry's URLs. */
  String domain() {
    return "127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /** The CA that signed the registry's certificate, for {@code webhook.digests.ca-bundle}. */
  Path caBundle() {
    return dir.resolve(PemFiles.CA_CRT);
  }

  String log() {
    return tail(log);
  }

  /**
   * Stops the process where it is (SIGSTOP), as a registry that hangs: the kernel still accepts its
   * connections, and nothing answers them, not even the TLS handshake.
   */
  void freeze() {
    signal("STOP");
    frozen = true;
  }

  void thaw() {
    signal("CONT");
    frozen = false;
  }

  /** Signals this process only, by its id. */
  private void signal(String name) {
    try {
      int status =
          new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
              .inheritIO()
              .start()
              .waitFor();
      if (status != 0) {
        throw new IllegalStateException("kill -" + name + " exited " + status);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (frozen) {
      thaw(); // a stopped process keeps a SIGTERM pending until it runs again
    }
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static String tail(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The webhook's resolver with its default cache and limits (application.properties), trusting
   * {@code caBundle}; no budget of its own (the tests pass one per lookup).
   */
  static DigestResolver resolverTrusting(Path caBundle) {
    return new DigestResolver(
        new DigestResolver.Settings(
            null,
            Duration.ofMinutes(1),
            Duration.ofSeconds(10),
            1000,
            8,
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            caBundle),
        LookupObserver.NONE);
  }
}
