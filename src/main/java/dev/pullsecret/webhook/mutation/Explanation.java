package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.rules.RuleMatch;
import dev.pullsecret.webhook.text.Text;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  /**
   * The API server refuses a pod whose annotations, keys and values together, take more UTF-8 bytes
   * than this.
   */
  public static final long MAX_ANNOTATIONS_BYTES = 256 * 1024;

  static final String LEFT_OUT =
      "the "
          + ANNOTATION
          + " annotation was left out: with it the pod's annotations would pass the API server's"
          + " limit of "
          + MAX_ANNOTATIONS_BYTES
          + " bytes";

  /**
   * Annotations of which only some were kept (the codec keeps a few of a pod's), which counted the
   * size of them all as they were read.
   */
  public interface Measured {

    /** The UTF-8 bytes of every key and value read, but those of {@link #ANNOTATION}. */
    long bytesBesidesExplanation();
  }

  private Explanation() {}

  /**
   * The operation that sets the annotation, creating the annotations map if the pod has none; none
   * when the annotation would take the pod's annotations past {@link #MAX_ANNOTATIONS_BYTES}, which
   * would make the API server refuse the pod.
   */
  static Optional<PatchOperation> annotate(
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
    if (metadata != null && metadata.getAnnotations() != null) {
      value = afterEarlier(metadata.getAnnotations().get(ANNOTATION), value, match);
    }
    if (metadata == null) {
      return Optional.of(
          PatchOperation.add(
              PatchOperation.pointer("metadata"),
              Map.of("annotations", Map.of(ANNOTATION, value))));
    }
    Map<String, String> present = metadata.getAnnotations();
    if (present == null || present.isEmpty()) {
      return Optional.of(
          PatchOperation.add(
              PatchOperation.pointer("metadata", "annotations"), Map.of(ANNOTATION, value)));
    }
    if (bytesBesides(present) + utf8Length(ANNOTATION) + utf8Length(value)
        > MAX_ANNOTATIONS_BYTES) {
      return Optional.empty();
    }
    return Optional.of(
        PatchOperation.add(PatchOperation.pointer("metadata", "annotations", ANNOTATION), value));
  }

  private static long bytesBesides(Map<String, String> annotations) {
    if (annotations instanceof Measured measured) {
      return measured.bytesBesidesExplanation();
    }
    return annotations.entrySet().stream()
        .filter(e -> !ANNOTATION.equals(e.getKey()))
        .mapToLong(e -> utf8Length(e.getKey()) + utf8Length(nonNull(e.getValue())))
        .sum();
  }

  /**
   * The length of {@code s} in UTF-8 bytes, as Go's {@code len} counts a string (the API server's
   * size limits), without encoding it; a lone surrogate counts as the replacement character.
   */
  public static long utf8Length(String s) {
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (i + 1 < s.length() && Character.isSurrogatePair(c, s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  /** Longer than any explanation written: five lists of 20 items, a rule, a match, twice. */
  private static final int MAX_EARLIER_CHARS = 8192;

  /**
   * A re-invocation's pass (another webhook changed the pod after this one, and the API server
   * called this one again) explains only its own changes: written over the explanation of the pass
   * before, which the pod carries, the annotation no longer said why the pod had its secrets and
   * first images. So, by the same rule, what it changed follows the first's after {@code then};
   * another rule's explanation, or text longer than any this webhook writes, is replaced.
   */
  private static String afterEarlier(String earlier, String value, RuleMatch match) {
    String ours = "rule=" + match.rule().name() + "; match=" + match.why() + "; ";
    if (earlier == null
        || earlier.length() > MAX_EARLIER_CHARS
        || !earlier.startsWith(ours)
        || !value.startsWith(ours)) {
      return value;
    }
    return earlier + "; then " + value.substring(ours.length());
  }

  /** Enough to say what happened; a pod with more changed containers gets a count of the rest. */
  private static final int MAX_ITEMS = 20;

  private static String positions(
      List<ContainerImage> containers, Predicate<ContainerImage> which) {
    List<ContainerImage> listed = containers.stream().filter(which).toList();
    return Text.joined(listed, c -> c.container.position(), ",", MAX_ITEMS);
  }
}
