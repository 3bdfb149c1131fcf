package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.credentials.DockerConfig;
import dev.pullsecret.webhook.credentials.PullSecretCheck;
import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.providers.ProviderCredentials;
import dev.pullsecret.webhook.rules.PullSecret;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Secret the webhook generates in its own namespace for a pull secret with a provider ({@code
 * NAME-provider}): the provider's credentials as a {@code kubernetes.io/dockerconfigjson}, the
 * source its copies are made from. Visible and auditable: ours by the usual label, told apart from
 * copies by a second one, and annotated with the provider, the registries it was asked about, when
 * the credentials were obtained, when they expire and when they are due for renewal (which a new
 * leader reads, so a fail-over runs no plugin before it is due), and the hash of the content (so an
 * edit by hand is noticed and undone).
 */
public final class GeneratedSecret {

  // Logged under the renewals' name, where people look for them.
  private static final Logger log = LoggerFactory.getLogger(ProviderRenewals.class);

  /** Tells a generated source from a copy: both carry our managed-by label. */
  public static final String GENERATED_LABEL = "pullsecret.dev/generated-by";

  public static final String GENERATED_BY = "credential-provider";
  public static final String PROVIDER_ANNOTATION = "pullsecret.dev/provider";
  public static final String PULL_SECRET_ANNOTATION = "pullsecret.dev/pull-secret";
  public static final String REGISTRIES_ANNOTATION = "pullsecret.dev/registries";
  public static final String OBTAINED_ANNOTATION = "pullsecret.dev/renewed-at";
  public static final String EXPIRES_ANNOTATION = "pullsecret.dev/expires-at";
  public static final String RENEW_ANNOTATION = "pullsecret.dev/renew-at";

  /** The marks every generated Secret carries; the expiry only when the plugin gave one. */
  private static final List<String> REQUIRED =
      List.of(PROVIDER_ANNOTATION, REGISTRIES_ANNOTATION, OBTAINED_ANNOTATION, RENEW_ANNOTATION);

  /** What a generated Secret says of its credentials; {@code expiresAt} null when not known. */
  public record State(
      String provider, String registries, Instant obtainedAt, Instant expiresAt, Instant renewAt) {

    /** Whether it was made by {@code secret}'s provider for exactly its registries, not yet due. */
    boolean serves(PullSecret secret, Instant now) {
      return provider.equals(secret.provider())
          && registries.equals(GeneratedSecret.registries(secret))
          && now.isBefore(renewAt);
    }
  }

  private GeneratedSecret() {}

  /** Whether {@code secret} is a generated source (and so never a copy). */
  public static boolean isGenerated(Secret secret) {
    var labels = secret.getMetadata().getLabels();
    return labels != null && GENERATED_BY.equals(labels.get(GENERATED_LABEL));
  }

  /** The Secret holding {@code credentials} for {@code secret} (its source resolved). */
  static Secret of(PullSecret secret, ProviderCredentials credentials, Instant renewAt) {
    String content = Base64.getEncoder().encodeToString(DockerConfig.json(credentials.auth()));
    Secret generated =
        new SecretBuilder()
            .withMetadata(
                new ObjectMetaBuilder()
                    .withName(secret.source().name())
                    .withNamespace(secret.source().namespace())
                    .addToLabels(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY)
                    .addToLabels(GENERATED_LABEL, GENERATED_BY)
                    .addToAnnotations(PROVIDER_ANNOTATION, secret.provider())
                    .addToAnnotations(PULL_SECRET_ANNOTATION, secret.name())
                    .addToAnnotations(REGISTRIES_ANNOTATION, registries(secret))
                    .addToAnnotations(OBTAINED_ANNOTATION, credentials.obtainedAt().toString())
                    .addToAnnotations(RENEW_ANNOTATION, renewAt.toString())
                    .build())
            .withType(PullSecretCheck.DOCKER_CONFIG_JSON)
            .withData(Map.of(PullSecretCheck.DOCKER_CONFIG_JSON_KEY, content))
            .build();
    Map<String, String> marks = generated.getMetadata().getAnnotations();
    credentials.expiresAt().ifPresent(at -> marks.put(EXPIRES_ANNOTATION, at.toString()));
    marks.put(CopyMarks.HASH_ANNOTATION, CopyMarks.contentHash(generated));
    return generated;
  }

  /**
   * A new Secret with what {@code secret} holds and says (name, namespace, labels, annotations,
   * type, data), not the API server's fields (resourceVersion, uid...): what is written.
   */
  static Secret content(Secret secret) {
    return new SecretBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(secret.getMetadata().getName())
                .withNamespace(secret.getMetadata().getNamespace())
                .withLabels(new HashMap<>(secret.getMetadata().getLabels()))
                .withAnnotations(new HashMap<>(secret.getMetadata().getAnnotations()))
                .build())
        .withType(secret.getType())
        .withData(new HashMap<>(secret.getData()))
        .build();
  }

  /** Creates {@code desired}, or updates it from the version read; false to retry. */
  static boolean write(
      KubernetesClient client, Secret desired, Optional<Secret> current, Runnable apiError) {
    Secret secret = GeneratedSecret.content(desired);
    var secrets = client.secrets().inNamespace(secret.getMetadata().getNamespace());
    try {
      if (current.isEmpty()) {
        secrets.resource(secret).create();
      } else {
        secret.getMetadata().setResourceVersion(current.get().getMetadata().getResourceVersion());
        secrets.resource(secret).update();
      }
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409 && e.getCode() != 404) {
        apiError.run();
        log.warn(
            "Could not write {}/{} (HTTP {}): {}",
            desired.getMetadata().getNamespace(),
            desired.getMetadata().getName(),
            e.getCode(),
            e.getMessage());
      }
      return false; // changed or gone since read: the watch catches up, and the retry writes
    }
  }

  /**
   * What {@code secret} says of its credentials, when it is a generated Secret of ours, readable
   * and intact (its content still hashes to its mark); empty otherwise: renew.
   */
  public static Optional<State> state(Secret secret) {
    String hash = CopyMarks.annotation(secret, CopyMarks.HASH_ANNOTATION);
    if (!CopyMarks.isOurs(secret)
        || !isGenerated(secret)
        || !CopyMarks.contentHash(secret).equals(hash)) {
      return Optional.empty();
    }
    Map<String, String> marks = secret.getMetadata().getAnnotations();
    if (REQUIRED.stream().anyMatch(key -> marks.get(key) == null)) {
      return Optional.empty();
    }
    String expires = marks.get(EXPIRES_ANNOTATION);
    try {
      return Optional.of(
          new State(
              marks.get(PROVIDER_ANNOTATION),
              marks.get(REGISTRIES_ANNOTATION),
              Instant.parse(marks.get(OBTAINED_ANNOTATION)),
              expires == null ? null : Instant.parse(expires),
              Instant.parse(marks.get(RENEW_ANNOTATION))));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The registries as the annotation lists them: as written in the rules, in order. */
  static String registries(PullSecret secret) {
    return secret.registries().stream()
        .map(RegistryPattern::toString)
        .collect(Collectors.joining(","));
  }
}
