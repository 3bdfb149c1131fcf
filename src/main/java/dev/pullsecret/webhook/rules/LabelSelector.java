package dev.pullsecret.webhook.rules;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Kubernetes label selector over namespaces ({@code matchLabels} and {@code matchExpressions}),
 * compiled into requirements that must all hold. Empty, it matches every namespace, as the API
 * server's selectors do. Immutable; built by {@link LabelSelectorReader}.
 */
public final class LabelSelector {

  /** The four operators of a {@code LabelSelector} (metav1), as the API server spells them. */
  public enum Operator {
    IN("In"),
    NOT_IN("NotIn"),
    EXISTS("Exists"),
    DOES_NOT_EXIST("DoesNotExist");

    final String spelling;

    Operator(String spelling) {
      this.spelling = spelling;
    }

    boolean takesValues() {
      return this == IN || this == NOT_IN;
    }
  }

  /** One requirement; {@code matchLabels: {k: v}} is {@code k In (v)}. */
  public record Requirement(String key, Operator operator, List<String> values) {

    /** Values sorted and distinct, as the API server keeps them: equal sets print equally. */
    public Requirement {
      values = values.stream().sorted().distinct().toList();
    }

    boolean matches(NamespaceLabels labels) {
      String value = labels.get(key);
      return switch (operator) {
        case IN -> value != null && values.contains(value);
        case NOT_IN -> value == null || !values.contains(value);
        case EXISTS -> value != null;
        case DOES_NOT_EXIST -> value == null;
      };
    }

    /**
     * As {@code kubectl get -l} writes it: {@code k=v}, {@code k in (a,b)}, {@code k}, {@code !k}.
     */
    @Override
    public String toString() {
      return switch (operator) {
        case IN -> values.size() == 1 ? key + "=" + values.getFirst() : key + " in " + set();
        case NOT_IN ->
            values.size() == 1 ? key + "!=" + values.getFirst() : key + " notin " + set();
        case EXISTS -> key;
        case DOES_NOT_EXIST -> "!" + key;
      };
    }

    private String set() {
      return "(" + String.join(",", values) + ")";
    }
  }

  private final List<Requirement> requirements;
  private final Set<String> keys;

  LabelSelector(List<Requirement> requirements) {
    // Sorted as the API server sorts them, so that equal selectors print (and compare) equally.
    this.requirements =
        requirements.stream()
            .sorted(Comparator.comparing(Requirement::key).thenComparing(Requirement::operator))
            .toList();
    this.keys =
        this.requirements.stream()
            .map(Requirement::key)
            .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  public List<Requirement> requirements() {
    return requirements;
  }

  /** How many requirements: the selector's weight in "the most specific rule wins". */
  public int size() {
    return requirements.size();
  }

  /** The label keys this selector reads: the only ones a namespace cache needs to keep for it. */
  public Set<String> keys() {
    return keys;
  }

  /** Whether {@code labels} satisfy every requirement; unknown labels satisfy none. */
  public boolean matches(NamespaceLabels labels) {
    if (!labels.known()) {
      return false;
    }
    for (Requirement requirement : requirements) {
      if (!requirement.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LabelSelector that && requirements.equals(that.requirements);
  }

  @Override
  public int hashCode() {
    return requirements.hashCode();
  }

  /** The selector as {@code kubectl get -l} takes it; {@code {}} for the empty selector. */
  @Override
  public String toString() {
    return requirements.isEmpty()
        ? "{}"
        : requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }
}
