package dev.pullsecret.webhook.rules;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What is known of a namespace's labels when a rule is chosen for it: the labels (only the keys
 * some rule or the opt-out reads need be there), or nothing at all when they could not be read, in
 * which case no selector matches and the opt-out is not seen (docs/rules.md, "Namespace labels").
 */
public record NamespaceLabels(Map<String, String> labels) {

  /** The labels could not be known (not in the cache and not read in time). */
  public static final NamespaceLabels UNKNOWN = new NamespaceLabels(null);

  /** Known to carry no label that matters: also what a local run without a cluster sees. */
  public static final NamespaceLabels NONE = new NamespaceLabels(Map.of());

  /** Copied; null for labels that could not be known. */
  public NamespaceLabels {
    labels = labels == null ? null : Map.copyOf(labels);
  }

  public static NamespaceLabels of(Map<String, String> labels) {
    return labels.isEmpty() ? NONE : new NamespaceLabels(labels);
  }

  /**
   * The labels of {@code all} whose keys are in {@code keys}: what a cache keeps of a namespace, so
   * that labels no rule reads cost nothing however many or large a tenant makes them.
   */
  public static NamespaceLabels keeping(Map<String, String> all, Set<String> keys) {
    return all == null
        ? NONE
        : of(
            keys.stream()
                .filter(key -> all.get(key) != null)
                .collect(Collectors.toMap(key -> key, all::get)));
  }

  public boolean known() {
    return labels != null;
  }

  /** The value of {@code key}, or null when the namespace has no such label (or it is unknown). */
  public String get(String key) {
    return labels == null ? null : labels.get(key);
  }

  @Override
  public String toString() {
    return labels == null ? "unknown" : labels.toString();
  }
}
