package dev.pullsecret.webhook.providers;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import dev.pullsecret.webhook.image.RegistryPattern;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One provider of a CredentialProviderConfig ({@code kubelet.config.k8s.io/v1}), as the kubelet
 * reads it: the plugin binary called {@code name} in the plugin directory, run with {@code args}
 * and the webhook's environment plus {@code env}, asked only about images that {@code matchImages}
 * match, speaking the exec protocol of {@code apiVersion}.
 *
 * @param defaultCacheDuration how long its credentials last when its answer gives no {@code
 *     cacheDuration}
 * @param env the configured variables, in file order (a later one wins, as in the kubelet)
 */
public record CredentialProvider(
    String name,
    List<RegistryPattern> matchImages,
    Duration defaultCacheDuration,
    String apiVersion,
    List<String> args,
    List<Map.Entry<String, String>> env) {

  public CredentialProvider {
    matchImages = List.copyOf(matchImages);
    args = List.copyOf(args);
    env = List.copyOf(env);
  }

  /**
   * Whether the kubelet would ask this plugin about images of {@code registry} (a pull secret's
   * registry, a host with an optional port and path): one of {@code matchImages} matches them.
   */
  public boolean matches(RegistryPattern registry) {
    ImageReference image;
    try {
      image = ImageReference.parse(registry + "/" + PROBE_REPOSITORY);
    } catch (InvalidImageSyntaxException e) {
      return false;
    }
    return matchImages.stream().anyMatch(pattern -> pattern.matches(image));
  }

  /** A repository name under the registry, to test it as an image: any name would do. */
  private static final String PROBE_REPOSITORY = "pullsecret-webhook-probe";
}
