package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.SecretInjected;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.PullSecret;
import java.util.List;

/**
 * Adds the rule's pull secrets that the pod needs and does not have yet, matched against the images
 * as the earlier steps left them (a secret bound to a mirror follows the images sent there). Never
 * duplicates a secret, so a second pass over its own output adds nothing (re-invocation safe).
 */
final class PullSecretInjector implements MutationStep {

  @Override
  public void apply(PendingPatch pod, NamespaceRule rule) {
    // imagePullSecrets is immutable on the ephemeralcontainers subresource.
    if (!pod.wholePod() || rule.pullSecrets().isEmpty()) {
      return;
    }
    List<ImageReference> images =
        pod.containers().stream().map(PendingPatch.ContainerImage::image).toList();
    for (PullSecret secret : rule.pullSecrets()) {
      if (!pod.pullSecretNames().contains(secret.name()) && secret.servesAnyOf(images)) {
        pod.record(new SecretInjected(secret.name()));
      }
    }
  }
}
