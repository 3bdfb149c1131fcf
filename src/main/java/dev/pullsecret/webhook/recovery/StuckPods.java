package dev.pullsecret.webhook.recovery;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.NamespaceScope.Choice;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.RuleMode;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.text.Text;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Which pending pods cannot pull for lack of a pull secret: the pure decision of recovery, for the
 * controller and {@code doctor} alike. A pod is stuck when a container waits in {@code
 * ErrImagePull} or {@code ImagePullBackOff} and its namespace's rule gives a delivered pull secret
 * that serves the registry of one of those images, exists in the namespace now, and is not among
 * the pod's secrets. A pod whose image is simply wrong (a typo, a tag that does not exist) has
 * every secret its rule gives for that registry, or none serves it: it is never taken for stuck, so
 * never evicted again and again. Namespaces and pods left out (skipped, opted out) never are
 * either, nor pods under a rule in audit mode, which adds no secret at admission.
 */
public final class StuckPods {

  /** One stuck pod and why, as {@code doctor} lists it. */
  public record Finding(String namespace, String pod, String controller, String why) {}

  /** Why a pod is stuck: the secrets it lacks, and the images that need them. */
  record Diagnosis(PendingPod pod, String rule, List<String> missing, List<String> images) {

    /**
     * One line for Events, the log and {@code doctor}: what is missing and for what, a few images
     * named (a pod may fail 32 of a few hundred characters each), then a count.
     */
    String describe() {
      String when =
          pod.explained()
              ? "added to the rule, or delivered, after the pod was admitted"
              : "admitted while the webhook did not answer, or before the secret existed";
      return "lacks pull secret %s that rule %s gives for %s (%s)"
          .formatted(
              String.join(", ", missing),
              rule,
              Text.joined(images, image -> Text.line(image, 128), ", ", 3),
              when);
    }
  }

  private StuckPods() {}

  /**
   * @param namespaceLabels the labels of the pod's namespace (for rules that choose by label, and
   *     the opt-out); unknown, no pod there is judged
   * @param copyPresent whether a copy of the named delivered secret is in the namespace now
   */
  static Optional<Diagnosis> diagnose(
      PendingPod pod,
      NamespaceScope scope,
      Rules rules,
      NamespaceLabels namespaceLabels,
      BiPredicate<String, String> copyPresent) {
    if (pod.failingImages().isEmpty() || pod.optedOut() || !namespaceLabels.known()) {
      // Labels not known may hide the opt-out label: not judged now, looked at again later.
      return Optional.empty();
    }
    if (!(scope.choose(rules, pod.namespace(), namespaceLabels)
        instanceof Choice.Applies applies)) {
      return Optional.empty();
    }
    NamespaceRule rule = applies.match().rule();
    if (rule.mode() == RuleMode.AUDIT) {
      // It changes nothing at admission: a pod made again would lack the secret just the same.
      return Optional.empty();
    }
    List<ImageReference> failing = new ArrayList<>();
    for (String image : pod.failingImages()) {
      try {
        failing.add(ImageReference.parse(image));
      } catch (InvalidImageSyntaxException e) {
        // A reference that does not parse cannot be pulled with any secret.
      }
    }
    Set<String> missing = new LinkedHashSet<>();
    Set<String> images = new LinkedHashSet<>();
    for (PullSecret secret : rule.pullSecrets()) {
      if (!secret.isDelivered()
          || pod.pullSecrets().contains(secret.name())
          || !copyPresent.test(pod.namespace(), secret.name())) {
        continue;
      }
      for (ImageReference image : failing) {
        if (secret.servesAnyOf(List.of(image))) {
          missing.add(secret.name());
          images.add(image.toString());
        }
      }
    }
    return missing.isEmpty()
        ? Optional.empty()
        : Optional.of(new Diagnosis(pod, rule.name(), List.copyOf(missing), List.copyOf(images)));
  }

  /**
   * The stuck pods among the cluster's pending pods, as {@code doctor} lists them: the same
   * decision ({@link #diagnose}) as the controller's, on one list. Read-only.
   */
  public static List<Finding> check(
      KubernetesClient client,
      Rules rules,
      NamespaceScope scope,
      BiPredicate<String, String> copyPresent) {
    Map<String, NamespaceLabels> labels = new HashMap<>();
    List<Finding> findings = new ArrayList<>();
    for (Pod pod :
        client
            .pods()
            .inAnyNamespace()
            .withField("status.phase", "Pending")
            .withoutField("spec.nodeName", "")
            .list()
            .getItems()) {
      PendingPod pending = PendingPod.of(pod, scope);
      if (pending.failingImages().isEmpty()) {
        continue;
      }
      NamespaceLabels namespaceLabels =
          labels.computeIfAbsent(
              pending.namespace(), name -> labels(client, name, scope.labelKeys(rules)));
      diagnose(pending, scope, rules, namespaceLabels, copyPresent)
          .map(
              d ->
                  new Finding(
                      pending.namespace(), pending.name(), pending.controller(), d.describe()))
          .ifPresent(findings::add);
    }
    findings.sort(Comparator.comparing(Finding::namespace).thenComparing(Finding::pod));
    return findings;
  }

  private static NamespaceLabels labels(KubernetesClient client, String name, Set<String> keys) {
    Namespace namespace = client.namespaces().withName(name).get();
    return namespace == null
        ? NamespaceLabels.UNKNOWN
        : NamespaceLabels.keeping(namespace.getMetadata().getLabels(), keys);
  }
}
