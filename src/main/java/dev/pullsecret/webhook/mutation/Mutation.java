package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.patch.PatchOperation;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of applying one rule to one pod: the patch, what it changes, and warnings for the
 * user (shown by {@code kubectl}).
 */
public record Mutation(
    String rule, List<PatchOperation> operations, List<Change> changes, List<String> warnings) {

  public Mutation {
    operations = List.copyOf(operations);
    changes = List.copyOf(changes);
    warnings = List.copyOf(warnings);
  }

  public boolean isEmpty() {
    return operations.isEmpty();
  }

  /** Collects the work of the mutators of one pass. */
  static final class Builder {
    private final String rule;
    private final List<PatchOperation> operations = new ArrayList<>();
    private final List<Change> changes = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    Builder(String rule) {
      this.rule = rule;
    }

    /** Records one patch operation and the changes it makes (one operation may make several). */
    void apply(PatchOperation operation, List<Change> madeChanges) {
      operations.add(operation);
      changes.addAll(madeChanges);
    }

    /** An operation that records the pass itself (the explanation), not a change of its own. */
    void annotate(PatchOperation operation) {
      operations.add(operation);
    }

    boolean hasChanges() {
      return !changes.isEmpty();
    }

    List<Change> changes() {
      return changes;
    }

    void warn(String warning) {
      warnings.add(warning);
    }

    Mutation build() {
      return new Mutation(rule, operations, changes, warnings);
    }
  }
}
