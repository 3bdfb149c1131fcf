package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.rules.LabelSelector.Operator;
import dev.pullsecret.webhook.rules.LabelSelector.Requirement;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where the webhook may act at all, whatever the rules say: never in the skipped namespaces (the
 * control plane's, its own, the chart's {@code excludeNamespaces}) nor in a namespace that carries
 * the opt-out label. Admission and delivery both ask {@link #choose}, so a namespace left out gets
 * neither changed pods nor copies of credentials (docs/secret-delivery.md, "Never reached").
 *
 * @param skipped namespace names never acted in
 * @param optOut the label that opts a namespace out ({@code key=value}), if one is configured
 */
public record NamespaceScope(Set<String> skipped, Optional<Requirement> optOut) {

  /**
   * The namespaces the control plane makes: a deployed webhook never acts there, whatever it is
   * told, so that it cannot block the control plane nor put credentials where it runs.
   */
  public static final List<String> CONTROL_PLANE =
      List.of("kube-system", "kube-public", "kube-node-lease");

  /** Acts everywhere: for tools and tests that have no deployment around them. */
  public static final NamespaceScope EVERYWHERE = new NamespaceScope(Set.of(), Optional.empty());

  public NamespaceScope {
    skipped =
        skipped.stream().filter(name -> !name.isBlank()).collect(Collectors.toUnmodifiableSet());
  }

  /** As a deployed webhook: never in {@link #CONTROL_PLANE}, nor in {@code skipped}. */
  public static NamespaceScope deployed(Collection<String> skipped, Optional<Requirement> optOut) {
    return new NamespaceScope(
        Stream.concat(CONTROL_PLANE.stream(), skipped.stream()).collect(Collectors.toSet()),
        optOut);
  }

  /**
   * Reads the opt-out label, {@code key=value}: a namespace (or pod) labelled so is left alone; an
   * empty text means none.
   *
   * @throws IllegalArgumentException saying what is wrong, for the start-up to refuse it
   */
  public static Optional<Requirement> optOutLabel(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    int equals = text.indexOf('=');
    if (equals < 0) {
      throw new IllegalArgumentException(
          "the opt-out label must be written key=value, e.g. pullsecret.dev/inject=disabled");
    }
    String key = text.substring(0, equals).strip();
    String value = text.substring(equals + 1).strip();
    String problem = LabelSelector.keyProblem(key);
    problem = problem != null ? problem : LabelSelector.valueProblem(value);
    if (problem != null) {
      throw new IllegalArgumentException("the opt-out label: " + problem);
    }
    return Optional.of(new Requirement(key, Operator.In, List.of(value)));
  }

  public sealed interface Choice {

    /** The rule that applies, and why it won. */
    record Applies(RuleMatch match) implements Choice {}

    record NoRule() implements Choice {}

    /** A namespace the webhook never acts in, with the reason for messages. */
    record LeftOut(Reason reason, String why) implements Choice {}
  }

  public enum Reason {
    SKIPPED,
    OPTED_OUT
  }

  /** The label keys the rules' selectors and the opt-out read: all a namespace cache must keep. */
  public Set<String> labelKeys(Rules rules) {
    return Stream.concat(
            rules.rules().stream()
                .flatMap(rule -> rule.namespaceSelector().stream())
                .flatMap(selector -> selector.requirements().stream())
                .map(Requirement::key),
            optOut.stream().map(Requirement::key))
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * The one decision of what applies to {@code namespace}: left out (skipped, or labelled out when
   * its labels are known), else the most specific rule for it, if any.
   */
  public Choice choose(Rules rules, String namespace, NamespaceLabels labels) {
    if (skipped.contains(namespace)) {
      return new Choice.LeftOut(Reason.SKIPPED, "namespace " + namespace + " is never acted in");
    }
    if (optedOut(labels)) {
      return new Choice.LeftOut(Reason.OPTED_OUT, "namespace labelled " + optOut.get());
    }
    return rules
        .forNamespace(namespace, labels)
        .<Choice>map(Choice.Applies::new)
        .orElseGet(Choice.NoRule::new);
  }

  /** Whether {@code labels} (of a namespace or a pod) carry the opt-out label. */
  public boolean optedOut(NamespaceLabels labels) {
    return optOut.isPresent() && optOut.get().matches(labels);
  }
}
