package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.SecretInjected;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.PullSecret;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds the rule's pull secrets that the pod needs and does not have yet, matched against the images
 * as the earlier steps left them (a secret bound to a mirror follows the images sent there). Never
 * duplicates a secret, so a second pass over its own output adds nothing (re-invocation safe).
 */
final class PullSecretInjector implements MutationStep {

  @Override
  public StepResult apply(PodView pod, NamespaceRule rule) {
    // imagePullSecrets is immutable on the ephemeralcontainers subresource.
    if (!pod.wholePod() || rule.pullSecrets().isEmpty()) {
      return StepResult.NONE;
    }
    List<ImageReference> images = pod.containers().stream().map(c -> c.image()).toList();
    List<Change> added = new ArrayList<>();
    for (PullSecret secret : rule.pullSecrets()) {
      if (!pod.pullSecretNames().contains(secret.name()) && secret.servesAnyOf(images)) {
        added.add(new SecretInjected(secret.name()));
      }
    }
    return StepResult.of(added);
  }
}
