package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.SecretInjected;
import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.PullSecret;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JsonPointer;

/**
 * Adds the rule's pull secrets that the pod needs and does not have yet. Never duplicates a secret,
 * so a second pass over its own output adds nothing (re-invocation safe).
 */
final class PullSecretInjector {

  private static final JsonPointer PULL_SECRETS =
      PatchOperation.pointer("spec", "imagePullSecrets");
  private static final JsonPointer APPEND = PULL_SECRETS.appendProperty("-");

  private PullSecretInjector() {}

  static void inject(
      List<LocalObjectReference> present,
      NamespaceRule rule,
      List<ImageReference> images,
      Mutation.Builder out) {
    Set<String> have = new HashSet<>();
    if (present != null) {
      present.forEach(ref -> have.add(ref.getName()));
    }
    // An absent list and an empty one look alike once decoded, and "add" of the whole member is
    // right for both (it creates or replaces []); "/-" is only used when entries exist.
    boolean appendToExisting = present != null && !present.isEmpty();
    for (PullSecret secret : rule.pullSecrets()) {
      if (have.contains(secret.name()) || !secret.servesAnyOf(images)) {
        continue;
      }
      have.add(secret.name());
      var change = new SecretInjected(secret.name());
      if (appendToExisting) {
        out.apply(PatchOperation.add(APPEND, entry(secret)), change);
      } else {
        out.apply(PatchOperation.add(PULL_SECRETS, List.of(entry(secret))), change);
        appendToExisting = true;
      }
    }
  }

  private static Map<String, String> entry(PullSecret secret) {
    return Map.of("name", secret.name());
  }
}
