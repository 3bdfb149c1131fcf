package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.SecretInjected;
import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.PullSecret;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
      // A null entry or one without a name (sent as {} or null) names no secret.
      present.stream()
          .filter(Objects::nonNull)
          .map(LocalObjectReference::getName)
          .filter(Objects::nonNull)
          .forEach(have::add);
    }
    List<PullSecret> missing = new ArrayList<>(rule.pullSecrets().size());
    for (PullSecret secret : rule.pullSecrets()) {
      if (!have.contains(secret.name()) && secret.servesAnyOf(images)) {
        missing.add(secret);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    // An absent list and an empty one look alike once decoded; "add" of the whole member is right
    // for both (it creates the member or replaces []). "/-" appends only where entries exist.
    if (present == null || present.isEmpty()) {
      List<Change> changes =
          missing.stream().<Change>map(s -> new SecretInjected(s.name())).toList();
      out.apply(
          PatchOperation.add(
              PULL_SECRETS, missing.stream().map(PullSecretInjector::entry).toList()),
          changes);
    } else {
      for (PullSecret secret : missing) {
        out.apply(
            PatchOperation.add(APPEND, entry(secret)), List.of(new SecretInjected(secret.name())));
      }
    }
  }

  private static Map<String, String> entry(PullSecret secret) {
    return Map.of("name", secret.name());
  }
}
