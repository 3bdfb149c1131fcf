package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.rules.RuleMatch;
import dev.pullsecret.webhook.text.Text;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
    if (metadata != null && metadata.getAnnotations() != null) {
      keepEarlier(parts, metadata.getAnnotations().get(ANNOTATION));
    }
    parts.values().removeIf(String::isEmpty);
    String value =
        parts.entrySet().stream()
            .map(part -> part.getKey() + "=" + part.getValue())
            .collect(Collectors.joining("; "));
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

  /** The parts that list items, merged on a re-invocation. */
  private static final List<String> LISTS =
      List.of("pullSecrets", "images", "mirror", "digests", "pullPolicies");

  private static final String ABSENT = "absent ";

  /** Longer than any explanation written: five lists of 20 items, a rule, a match. */
  private static final int MAX_EARLIER_CHARS = 8192;

  /**
   * A re-invocation's pass (another webhook changed the pod after this one, and the API server
   * called this one again) explains its own changes: written alone over the explanation of the pass
   * before, which the pod carries, the annotation no longer said why the pod had its secrets and
   * first images. So, by the same rule, each list is the union of both (counts of more added up);
   * another rule's explanation, or text that is not one, is replaced.
   */
  private static void keepEarlier(Map<String, String> parts, String earlier) {
    // Longer is not one this webhook wrote (its lists are bounded), and is not split into items.
    if (earlier == null || earlier.length() > MAX_EARLIER_CHARS) {
      return;
    }
    var before = new LinkedHashMap<String, String>();
    for (String part : earlier.split("; ", -1)) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        return;
      }
      before.put(part.substring(0, eq), part.substring(eq + 1));
    }
    if (!parts.get("rule").equals(before.get("rule"))) {
      return;
    }
    for (String key : LISTS) {
      boolean mirror = key.equals("mirror");
      String merged = union(strip(before.get(key), mirror), strip(parts.get(key), mirror));
      parts.put(key, merged.isEmpty() || !mirror ? merged : ABSENT + merged);
    }
  }

  private static String strip(String list, boolean mirror) {
    if (list == null) {
      return "";
    }
    return mirror && list.startsWith(ABSENT) ? list.substring(ABSENT.length()) : list;
  }

  /** The items of both lists once each, bounded as {@link Text#joined} bounds them. */
  private static String union(String earlier, String now) {
    var items = new LinkedHashSet<String>();
    long more = 0;
    for (String list : List.of(earlier, now)) {
      for (String item : list.split(",")) {
        if (item.startsWith("…+") && item.endsWith(" more")) {
          more += countOf(item);
        } else if (!item.isEmpty()) {
          items.add(item);
        }
      }
    }
    String joined = Text.joined(List.copyOf(items), item -> item, ",", MAX_ITEMS);
    if (more == 0) {
      return joined;
    }
    long shownMore = Math.max(0, items.size() - MAX_ITEMS) + more;
    String cut = items.size() > MAX_ITEMS ? joined.substring(0, joined.lastIndexOf(',')) : joined;
    return (cut.isEmpty() ? "" : cut + ",") + "…+" + shownMore + " more";
  }

  private static long countOf(String more) {
    try {
      return Long.parseLong(more.substring(2, more.length() - " more".length()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Enough to say what happened; a pod with more changed containers gets a count of the rest. */
  private static final int MAX_ITEMS = 20;

  private static String positions(
      List<ContainerImage> containers, Predicate<ContainerImage> which) {
    List<ContainerImage> listed = containers.stream().filter(which).toList();
    return Text.joined(listed, c -> c.container.position(), ",", MAX_ITEMS);
  }
}
