package dev.pullsecret.webhook.mutation;

import java.util.List;

/**
 * What one {@link MutationStep} decided: the changes to make (in the order their operations should
 * appear in the patch) and warnings for the user.
 */
record StepResult(List<Change> changes, List<String> warnings) {

  static final StepResult NONE = new StepResult(List.of(), List.of());

  StepResult {
    changes = List.copyOf(changes);
    warnings = List.copyOf(warnings);
  }

  static StepResult of(List<Change> changes) {
    return changes.isEmpty() ? NONE : new StepResult(changes, List.of());
  }
}
