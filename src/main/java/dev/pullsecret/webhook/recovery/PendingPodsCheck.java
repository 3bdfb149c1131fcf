package dev.pullsecret.webhook.recovery;

import dev.pullsecret.webhook.mutation.Explanation;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.Rules;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The pods stuck for lack of a pull secret, as {@code doctor} lists them: the same decision as the
 * controller's ({@link StuckPods}), on one list of pending pods. Read-only.
 */
public final class PendingPodsCheck {

  /** One stuck pod and why. */
  public record Finding(String namespace, String pod, String controller, String why) {}

  private PendingPodsCheck() {}

  /**
   * @param copyPresent whether our copy of a delivered secret ({@code namespace}, {@code name}) is
   *     in the cluster
   */
  public static List<Finding> check(
      KubernetesClient client,
      Rules rules,
      NamespaceScope scope,
      BiPredicate<String, String> copyPresent) {
    Map<String, NamespaceLabels> labels = new HashMap<>();
    List<Finding> findings = new ArrayList<>();
    for (Pod pod :
        client.pods().inAnyNamespace().withField("status.phase", "Pending").list().getItems()) {
      PendingPod pending = PendingPod.of(pod, scope.optOut(), Explanation.ANNOTATION);
      if (pending.failingImages().isEmpty()) {
        continue;
      }
      NamespaceLabels namespaceLabels =
          labels.computeIfAbsent(pending.namespace(), name -> labels(client, name));
      StuckPods.diagnose(pending, scope, rules, namespaceLabels, copyPresent)
          .ifPresent(
              d ->
                  findings.add(
                      new Finding(
                          pending.namespace(),
                          pending.name(),
                          pending.controller(),
                          d.describe())));
    }
    findings.sort(Comparator.comparing(Finding::namespace).thenComparing(Finding::pod));
    return findings;
  }

  private static NamespaceLabels labels(KubernetesClient client, String name) {
    return Optional.ofNullable(client.namespaces().withName(name).get())
        .map(Namespace::getMetadata)
        .map(
            metadata ->
                NamespaceLabels.of(Optional.ofNullable(metadata.getLabels()).orElse(Map.of())))
        .orElse(NamespaceLabels.UNKNOWN);
  }
}
