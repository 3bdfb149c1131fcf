package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.PullSecret;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Tells the user, at admission, that a pull secret the pod relies on is not in its namespace: the
 * kubelet would then pull anonymously, which is the rate-limit failure this webhook exists to
 * prevent. Asks {@link SecretPresence}, which answers from memory.
 */
final class MissingSecretWarnings {

  private MissingSecretWarnings() {}

  /**
   * @param pod the pod as written (its own references)
   * @param injected the secrets the webhook adds (or would add, in audit mode)
   */
  static List<String> of(
      SecretPresence presence,
      String namespace,
      NamespaceRule rule,
      Pod pod,
      List<String> injected) {
    Set<String> referenced = new LinkedHashSet<>(injected);
    if (pod.getSpec().getImagePullSecrets() != null) {
      pod.getSpec().getImagePullSecrets().stream()
          .filter(Objects::nonNull)
          .map(LocalObjectReference::getName)
          .filter(Objects::nonNull)
          .forEach(referenced::add);
    }
    List<String> warnings = new ArrayList<>();
    for (PullSecret secret : rule.pullSecrets()) {
      if (referenced.contains(secret.name()) && presence.isMissing(namespace, secret)) {
        warnings.add(
            "pull secret "
                + secret.name()
                + " is missing in namespace "
                + namespace
                + ", so images from "
                + registries(secret)
                + " will be pulled anonymously; check its source Secret and the webhook's"
                + " Events, or run the doctor command");
      }
    }
    return warnings;
  }

  private static String registries(PullSecret secret) {
    return secret.registries().isEmpty()
        ? "every registry"
        : secret.registries().stream()
            .map(RegistryPattern::toString)
            .collect(Collectors.joining(", "));
  }
}
