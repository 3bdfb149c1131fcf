package dev.pullsecret.webhook.registry;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.ImageReference;
import java.util.List;
import java.util.Optional;

/**
 * Where digest lookups get the credentials of a rule's pull secrets. The webhook does not read
 * Secrets on its own: an implementation backed by the Secrets that secret delivery already holds
 * (dockerconfigjson parsed kubelet-style) plugs in here; until then lookups are anonymous, which
 * serves public images and registries that allow anonymous pulls.
 */
@FunctionalInterface
public interface RegistryCredentials {

  /** Anonymous lookups for every image. */
  RegistryCredentials ANONYMOUS = (image, pullSecrets) -> Optional.empty();

  /**
   * The credential for pulling {@code image}, taken from the named pull secrets (those the rule
   * gives the pod, in order), or empty for an anonymous lookup.
   */
  Optional<RegistryCredential> forImage(ImageReference image, List<String> pullSecrets);
}
