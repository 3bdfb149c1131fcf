package dev.pullsecret.webhook.registry;

import dev.pullsecret.webhook.credentials.DockerConfig;
import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.ImageReference;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Credentials from the content of the rule's pull secrets, found as the kubelet finds them: the
 * secrets in the rule's order, in each the entry whose key matches the image best ({@link
 * DockerConfig#credentialFor}). An empty entry, or none, means anonymous, as for the kubelet.
 *
 * <p>The webhook does not read Secrets itself: {@code contents} is the seam where secret delivery's
 * cache of the source Secrets (parsed with {@code PullSecretCheck}) plugs in.
 */
public final class PullSecretCredentials implements RegistryCredentials {

  private final Function<String, Optional<DockerConfig>> contents;

  /**
   * @param contents the parsed content of a pull secret by name, empty when it is not known
   */
  public PullSecretCredentials(Function<String, Optional<DockerConfig>> contents) {
    this.contents = contents;
  }

  @Override
  public Optional<RegistryCredential> forImage(ImageReference image, List<String> pullSecrets) {
    for (String secret : pullSecrets) {
      Optional<RegistryCredential> found =
          contents.apply(secret).flatMap(config -> config.credentialFor(image));
      if (found.isPresent() && !found.get().isEmpty()) {
        return found;
      }
    }
    return Optional.empty();
  }
}
