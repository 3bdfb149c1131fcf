package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.RegistryPattern;
import java.util.Collection;
import java.util.List;

/**
 * A pull secret that rules may inject, and the registries it serves. A secret with no registries
 * serves every image; one with registries is only added to pods that use at least one image from
 * them, so a pod never carries credentials it has no use for.
 *
 * @param source where the webhook copies the secret's content from, or null when it only adds the
 *     reference and the Secret is managed by other means
 */
public record PullSecret(String name, List<RegistryPattern> registries, SecretSource source) {

  public PullSecret {
    registries = List.copyOf(registries);
  }

  public PullSecret(String name, List<RegistryPattern> registries) {
    this(name, registries, null);
  }

  /** Whether the webhook copies this secret into the namespaces its rules cover. */
  public boolean isDelivered() {
    return source != null;
  }

  public boolean servesAnyOf(Collection<ImageReference> images) {
    if (registries.isEmpty()) {
      return true;
    }
    for (ImageReference image : images) {
      for (RegistryPattern registry : registries) {
        if (registry.matches(image)) {
          return true;
        }
      }
    }
    return false;
  }
}
