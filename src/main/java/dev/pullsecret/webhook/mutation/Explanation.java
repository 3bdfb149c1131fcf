package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.rules.RuleMatch;
import dev.pullsecret.webhook.text.Text;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The annotation a mutated pod carries, saying which rule did what, so that "why does my pod have
 * this secret / this image?" is answered by {@code kubectl get pod -o yaml}. Compact and stable:
 * {@code rule=team-a; match=glob team-a-*; pullSecrets=a,b; images=containers[0]; mirror=absent
 * containers[1]; digests=containers[0]; pullPolicies=containers[0]}, with the parts in that order
 * and only the parts that apply ({@code match} says why the rule won: {@link RuleMatch#why()}).
 */
public final class Explanation {

  public static final String ANNOTATION = "pullsecret.dev/mutated";

  private Explanation() {}

  /** The operation that sets the annotation, creating the annotations map if the pod has none. */
  static PatchOperation annotate(
      ObjectMeta metadata,
      RuleMatch match,
      List<ContainerImage> containers,
      List<String> secretsAdded) {
    var parts = new LinkedHashMap<String, String>();
    parts.put("rule", match.rule().name());
    parts.put("match", match.why());
    parts.put("pullSecrets", Text.joined(secretsAdded, name -> name, ",", MAX_ITEMS));
    parts.put("images", positions(containers, c -> c.why != null));
    // A when: present mirror did not take the image (lacked, or did not answer in time).
    String skipped = positions(containers, c -> c.mirrorSkipped);
    parts.put("mirror", skipped.isEmpty() ? "" : "absent " + skipped);
    parts.put(
        "digests", positions(containers, c -> c.image().hasDigest() && !c.original.hasDigest()));
    parts.put("pullPolicies", positions(containers, ContainerImage::pullPolicyChanged));
    parts.values().removeIf(String::isEmpty);
    String value =
        parts.entrySet().stream()
            .map(part -> part.getKey() + "=" + part.getValue())
            .collect(Collectors.joining("; "));
    if (metadata == null) {
      return PatchOperation.add(
          PatchOperation.pointer("metadata"), Map.of("annotations", Map.of(ANNOTATION, value)));
    }
    if (metadata.getAnnotations() == null || metadata.getAnnotations().isEmpty()) {
      return PatchOperation.add(
          PatchOperation.pointer("metadata", "annotations"), Map.of(ANNOTATION, value));
    }
    return PatchOperation.add(PatchOperation.pointer("metadata", "annotations", ANNOTATION), value);
  }

  /** Enough to say what happened; a pod with more changed containers gets a count of the rest. */
  private static final int MAX_ITEMS = 20;

  private static String positions(
      List<ContainerImage> containers, Predicate<ContainerImage> which) {
    List<ContainerImage> listed = containers.stream().filter(which).toList();
    return Text.joined(listed, c -> c.container.position(), ",", MAX_ITEMS);
  }
}
