package dev.pullsecret.webhook.testing;

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
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLContext;

/**
 * The files a webhook server reads, laid out as the chart mounts them: the TLS pair and the rules,
 * each in a directory updated like a Secret or ConfigMap volume. The certificate is valid for the
 * Service names, {@code localhost} and 127.0.0.1.
 */
public final class TestServerFiles {

  public static final String SERVICE = "pullsecret-webhook";
  public static final String NAMESPACE = "pullsecret-webhook";
  public static final String SERVICE_HOST = SERVICE + "." + NAMESPACE + ".svc";

  private final Path dir;
  private final ConfigMapVolume tls;
  private final ConfigMapVolume rules;
  private volatile CertificateSet certificates;

  private TestServerFiles(Path dir) {
    this.dir = dir;
    this.tls = new ConfigMapVolume(dir.resolve("tls"));
    this.rules = new ConfigMapVolume(dir.resolve("rules"));
  }

  /** A fresh directory with a new certificate and the test rules. */
  public static TestServerFiles create(String prefix) {
    try {
      var files = new TestServerFiles(Files.createTempDirectory(prefix));
      files.serve(generateCertificates());
      files.writeRules(Reviews.resource("rules/test-rules.yaml"));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static CertificateSet generateCertificates() {
    return CertificateGenerator.generate(
        new CertificateSpec(
            SERVICE,
            NAMESPACE,
            List.of("localhost"),
            List.of("127.0.0.1"),
            Duration.ofDays(30),
            KeyAlgorithm.ECDSA_P256),
        Clock.systemUTC());
  }

  /** Swaps in another certificate pair, as the kubelet updates a Secret volume. */
  public void serve(CertificateSet next) {
    tls.write(
        Map.of(
            PemFiles.TLS_CRT,
            PemFiles.toPem(next.servingCertificate()).getBytes(StandardCharsets.US_ASCII),
            PemFiles.TLS_KEY,
            PemFiles.toPem(next.servingKey()).getBytes(StandardCharsets.US_ASCII)));
    certificates = next;
  }

  public void writeRules(byte[] content) {
    rules.write("rules.yaml", content);
  }

  public CertificateSet certificates() {
    return certificates;
  }

  public Path dir() {
    return dir;
  }

  public Path certFile() {
    return tls.path(PemFiles.TLS_CRT);
  }

  public Path keyFile() {
    return tls.path(PemFiles.TLS_KEY);
  }

  public Path rulesFile() {
    return rules.path("rules.yaml");
  }

  /** A client context trusting the CA of the pair served first. */
  public SSLContext sslContext() {
    return TrustingClients.sslContextTrusting(certificates.caCertificate());
  }

  /**
   * The properties pointing the webhook at these files, with fast polling, random ports (the
   * management one too); {@code add} is e.g. {@code DynamicPropertyRegistry::add} wrapped.
   */
  public void properties(BiConsumer<String, String> add) {
    add.accept("webhook.tls.cert-file", certFile().toString());
    add.accept("webhook.tls.key-file", keyFile().toString());
    add.accept("webhook.tls.reload-interval", "100ms");
    add.accept("webhook.rules.file", rulesFile().toString());
    add.accept("webhook.rules.poll-interval", "100ms");
    add.accept("management.server.port", "0");
  }
}
