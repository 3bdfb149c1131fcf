package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.patch.PatchOperation;
import java.util.List;
import java.util.Set;

/**
 * One rule applied to one pod: the patch, what it changes, and warnings for the user.
 *
 * @param pullSecrets the names of the pull secrets the pod refers to once patched: its own and
 *     those the pass adds (in audit mode, would add)
 */
public record Mutation(
    String rule,
    List<PatchOperation> operations,
    List<Change> changes,
    List<String> warnings,
    Set<String> pullSecrets) {

  public Mutation {
    operations = List.copyOf(operations);
    changes = List.copyOf(changes);
    warnings = List.copyOf(warnings);
    pullSecrets = Set.copyOf(pullSecrets);
  }

  public boolean isEmpty() {
    return operations.isEmpty();
  }
}
