package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.rules.NamespaceRule;

/**
 * One step of a mutation pass (pin and mirror images, decide pull policies, add pull secrets…). A
 * step is pure: what it records depends only on the pod as the steps before it left it, on the rule
 * and on the registries' answers it was given, never on I/O. {@link PodMutator.Pass} runs the steps
 * in order and turns what they changed into one patch; a new step is one class and one line there.
 */
interface MutationStep {

  /**
   * Records in {@code pod} what this step changes under {@code rule} (in the order the operations
   * should appear in the patch), and what it has to tell the user.
   */
  void apply(PendingPatch pod, NamespaceRule rule);
}
