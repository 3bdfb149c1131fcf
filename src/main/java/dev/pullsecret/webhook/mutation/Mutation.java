package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.patch.PatchOperation;
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
}
