package dev.pullsecret.webhook.registry;

import dev.pullsecret.webhook.credentials.DockerConfig;
import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.ImageReference;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where digest lookups get the credentials of a rule's pull secrets. The webhook does not read
 * Secrets on its own: secret delivery's cache of the source Secrets plugs in here ({@link
 * #fromPullSecrets}); without it lookups are anonymous, which serves public images and registries
 * that allow anonymous pulls.
 */
@FunctionalInterface
public interface RegistryCredentials {

  RegistryCredentials ANONYMOUS = (image, pullSecrets) -> Optional.empty();

  /** The credential for {@code image} from the pull secrets the rule gives; empty: anonymous. */
  Optional<RegistryCredential> forImage(ImageReference image, List<String> pullSecrets);

  /**
   * Credentials found as the kubelet finds them: the secrets in the rule's order, in each the entry
   * whose key matches the image best ({@link DockerConfig#credentialFor}). An empty entry, or none,
   * means anonymous, as for the kubelet.
   *
   * @param contents the parsed content of a pull secret by name (parsed with {@code
   *     PullSecretCheck}), empty when it is not known
   */
  static RegistryCredentials fromPullSecrets(Function<String, Optional<DockerConfig>> contents) {
    return (image, pullSecrets) ->
        pullSecrets.stream()
            .flatMap(secret -> contents.apply(secret).flatMap(c -> c.credentialFor(image)).stream())
            .filter(credential -> !credential.isEmpty())
            .findFirst();
  }
}
