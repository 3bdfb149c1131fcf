package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.mutation.Change.PullPolicySet;
import dev.pullsecret.webhook.mutation.Change.SecretInjected;
import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.rules.RuleMatch;
import dev.pullsecret.webhook.text.Text;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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

  /**
   * The operation that sets the annotation, creating the annotations map if the pod has none.
   *
   * @param mirrorsSkipped containers whose image a {@code when: present} mirror did not take
   *     (lacked, or did not answer in time): {@code mirror=absent containers[1]}
   */
  static PatchOperation annotate(
      ObjectMeta metadata,
      RuleMatch match,
      List<Change> changes,
      List<PodContainer> mirrorsSkipped) {
    var parts = new LinkedHashMap<String, String>();
    parts.put("rule", match.rule().name());
    parts.put("match", match.why());
    parts.put("pullSecrets", items(changes, SecretInjected.class, SecretInjected::secret));
    parts.put("images", items(changes, ImageRewritten.class, c -> c.container().position()));
    String skipped = Text.joined(mirrorsSkipped, PodContainer::position, ",", MAX_ITEMS);
    parts.put("mirror", skipped.isEmpty() ? "" : "absent " + skipped);
    List<Change> digests = changes.stream().filter(Explanation::resolvedDigest).toList();
    parts.put("digests", items(digests, ImageRewritten.class, c -> c.container().position()));
    parts.put("pullPolicies", items(changes, PullPolicySet.class, c -> c.container().position()));
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

  /** A rewrite that added a digest the image did not have (a digest is the only '@' of one). */
  private static boolean resolvedDigest(Change change) {
    return change instanceof ImageRewritten r
        && r.to().hasDigest()
        && r.container().image().indexOf('@') < 0;
  }

  /** Enough to say what happened; a pod with more changed containers gets a count of the rest. */
  private static final int MAX_ITEMS = 20;

  private static <T extends Change> String items(
      List<Change> changes, Class<T> type, Function<T, String> item) {
    return Change.joined(changes, type, item, ",", MAX_ITEMS);
  }
}
