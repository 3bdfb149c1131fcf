package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.credentials.DockerConfig;
import dev.pullsecret.webhook.credentials.PullSecretCheck;
import dev.pullsecret.webhook.registry.RegistryCredentials;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Credentials for digest lookups from the content of the delivered pull secrets: a rule's secret
 * named {@code name} is read from its source Secret as the watches last saw it (no API call on the
 * admission path), parsed as the kubelet reads it. Each source is parsed once per resourceVersion,
 * as lookups ask on every review. Secrets the webhook does not deliver have no content here: their
 * lookups are anonymous.
 */
final class SourceCredentials {

  private record Parsed(String resourceVersion, DockerConfig config) {}

  private static final int MAX_PARSED = 1024;

  private final Supplier<List<PullSecret>> delivered;
  private final Function<SecretSource, Optional<Secret>> sources;
  private final Map<SecretSource, Parsed> parsed = new ConcurrentHashMap<>();

  /**
   * @param delivered the pull secrets the rules in force deliver, sources resolved
   * @param sources a source Secret as the watches last saw it
   */
  SourceCredentials(
      Supplier<List<PullSecret>> delivered, Function<SecretSource, Optional<Secret>> sources) {
    this.delivered = delivered;
    this.sources = sources;
  }

  RegistryCredentials credentials() {
    return RegistryCredentials.fromPullSecrets(this::content);
  }

  private Optional<DockerConfig> content(String name) {
    return delivered.get().stream()
        .filter(secret -> secret.name().equals(name))
        .findFirst()
        .flatMap(
            secret -> sources.apply(secret.source()).map(found -> parse(secret.source(), found)));
  }

  private DockerConfig parse(SecretSource source, Secret secret) {
    String version =
        secret.getMetadata() == null ? null : secret.getMetadata().getResourceVersion();
    Parsed known = parsed.get(source);
    if (known != null && version != null && Objects.equals(known.resourceVersion(), version)) {
      return known.config();
    }
    DockerConfig config =
        PullSecretCheck.of(secret.getType(), secret.getData(), List.of()).config();
    if (parsed.size() >= MAX_PARSED) {
      parsed.clear(); // sources are a few per rules file; a bound, not a policy
    }
    parsed.put(source, new Parsed(version, config));
    return config;
  }
}
