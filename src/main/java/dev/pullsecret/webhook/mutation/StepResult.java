package dev.pullsecret.webhook.mutation;

import java.util.List;

/**
 * What one {@link MutationStep} decided: the changes to make (in the order their operations should
 * appear in the patch), warnings for the user, and the containers whose image a {@code when:
 * present} mirror did not take (for the pod's annotation: {@code mirror=absent ...}).
 */
record StepResult(List<Change> changes, List<String> warnings, List<PodContainer> mirrorsSkipped) {

  static final StepResult NONE = new StepResult(List.of(), List.of(), List.of());

  StepResult {
    changes = List.copyOf(changes);
    warnings = List.copyOf(warnings);
    mirrorsSkipped = List.copyOf(mirrorsSkipped);
  }

  StepResult(List<Change> changes, List<String> warnings) {
    this(changes, warnings, List.of());
  }

  static StepResult of(List<Change> changes) {
    return changes.isEmpty() ? NONE : new StepResult(changes, List.of());
  }
}
