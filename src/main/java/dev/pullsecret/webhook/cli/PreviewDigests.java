package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.admission.DigestLookup;
import dev.pullsecret.webhook.admission.RegistryDigestLookup;
import dev.pullsecret.webhook.credentials.DockerConfig;
import dev.pullsecret.webhook.credentials.PullSecretCheck;
import dev.pullsecret.webhook.registry.DigestResolver;
import dev.pullsecret.webhook.registry.LookupObserver;
import dev.pullsecret.webhook.registry.RegistryClient;
import dev.pullsecret.webhook.registry.RegistryCredentials;
import dev.pullsecret.webhook.registry.TrustBundle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The digest lookups of {@code preview}: none without {@code --resolve}; with it, the webhook's own
 * client and resolver, with a longer budget than admission's (a person waits, not the API server).
 */
record PreviewDigests(DigestLookup lookup, DigestResolver resolver) implements AutoCloseable {

  private static final Duration BUDGET = Duration.ofSeconds(10);
  private static final DigestLookup NOT_ASKED =
      DigestLookup.notLookedUp("preview --resolve asks the registries");

  /**
   * @param caBundle PEM CAs besides the JDK's, or null
   * @param dockerConfig a dockerconfigjson whose credentials the lookups use, or null
   */
  static PreviewDigests of(boolean resolve, Path caBundle, Path dockerConfig) {
    if (!resolve) {
      return new PreviewDigests(NOT_ASKED, null);
    }
    SSLContext tls = TrustBundle.sslContext(Optional.ofNullable(caBundle));
    var client = new RegistryClient(() -> tls, Duration.ofSeconds(3), BUDGET);
    var resolver =
        new DigestResolver(
            client,
            new DigestResolver.Settings(BUDGET, Duration.ZERO, 10_000, 8),
            LookupObserver.NONE);
    RegistryCredentials credentials =
        dockerConfig == null ? RegistryCredentials.ANONYMOUS : credentials(dockerConfig);
    return new PreviewDigests(
        new RegistryDigestLookup(resolver, credentials, BUDGET, LookupObserver.NONE), resolver);
  }

  /** Every lookup uses the file's credential for the image, as a kubelet with it would. */
  private static RegistryCredentials credentials(Path file) {
    byte[] content = CliCommand.readSecretFile(file, "--docker-config " + file);
    DockerConfig config =
        PullSecretCheck.ofDecoded(
                PullSecretCheck.DOCKER_CONFIG_JSON,
                Map.of(PullSecretCheck.DOCKER_CONFIG_JSON_KEY, content),
                List.of())
            .config();
    return (image, secrets) -> config.credentialFor(image).filter(c -> !c.isEmpty());
  }

  @Override
  public void close() {
    if (resolver != null) {
      resolver.close();
    }
  }
}
