package dev.pullsecret.webhook.config;

import dev.pullsecret.webhook.registry.DigestResolver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The webhook's settings ({@code webhook.*}). Every default, this record's and {@link
 * dev.pullsecret.webhook.delivery.SyncProperties}'s, is in {@code application.properties}: one
 * place to read them all.
 *
 * @param maxRequestSize reviews above this are refused with 413 before parsing. The API server
 *     accepts objects up to 3 MiB and etcd stores at most 1.5 MiB per object; a review holds the
 *     object (and on UPDATE the old object) plus a small envelope, so 4 MiB admits every real
 *     review.
 * @param inFlightBudget heap set aside for reviews in flight: bodies being read and reviews being
 *     answered ({@code InFlightBudget}); past it a review is refused 503 with Retry-After instead
 *     of the process running out of memory. Sized against the image's heap.
 * @param readDeadline the longest a client may take to send a whole request, headers and body,
 *     however it paces the bytes (a per-read timeout alone lets a byte every few seconds hold a
 *     connection for ever)
 * @param skipNamespaces namespaces never acted in whatever the rules say, neither mutated nor given
 *     copies: the webhook's own (so it can always recover), kube-system, and the chart's
 *     excludeNamespaces. The chart's namespaceSelector also keeps them from being sent.
 * @param optOutLabel {@code key=value}: namespaces (and pods) carrying it are left alone, by
 *     admission and by delivery alike; empty for none. The chart passes its optOutLabel.
 * @param warmUp whether the admission path and its HTTPS are warmed up before readiness (a few
 *     hundred sample reviews, well under a second); off in tests that count what starts
 * @param digests {@link DigestResolver.Settings}
 */
@ConfigurationProperties("webhook")
public record WebhookProperties(
    RulesSettings rules,
    DataSize maxRequestSize,
    DataSize inFlightBudget,
    Duration readDeadline,
    List<String> skipNamespaces,
    String optOutLabel,
    boolean warmUp,
    Tls tls,
    DigestResolver.Settings digests) {

  /**
   * @param file the rules file, usually a ConfigMap key mounted as a volume
   * @param pollInterval how often the file is checked for new content
   */
  public record RulesSettings(Path file, Duration pollInterval) {}

  /**
   * @param certFile serving certificate chain (PEM), {@code tls.crt} of a kubernetes.io/tls Secret
   * @param keyFile its private key (PEM), {@code tls.key}
   * @param selfSignedDir when set (local runs only), a CA and serving certificate for localhost are
   *     generated there if absent, and {@code certFile}/{@code keyFile} are ignored
   * @param reloadInterval how often the certificate files are checked for new content
   * @param expiryWarningThreshold below this remaining validity the webhook warns, at start and
   *     daily
   * @param minVersion lowest TLS version accepted: {@code TLSv1.2} or {@code TLSv1.3}
   * @param cipherSuites enabled suites (IANA names); empty means the built-in AEAD/ECDHE set
   * @param clientCaFile when set, clients (the API server) must present a certificate signed by a
   *     CA in this PEM file
   */
  public record Tls(
      Path certFile,
      Path keyFile,
      Path selfSignedDir,
      Duration reloadInterval,
      Duration expiryWarningThreshold,
      String minVersion,
      List<String> cipherSuites,
      Path clientCaFile) {}

  public int maxRequestBytes() {
    return Math.toIntExact(maxRequestSize.toBytes());
  }
}
