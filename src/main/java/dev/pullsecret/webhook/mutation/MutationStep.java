package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.rules.NamespaceRule;

/**
 * One step of a mutation pass (pin and mirror images, decide pull policies, add pull secrets…). A
 * step is a pure function: what it returns depends only on the pod as the steps before it left it
 * and on the rule, never on I/O or on state of its own. {@link PodMutator} runs the steps in order
 * and turns what they changed into one patch; a new step is one class and one line there.
 */
interface MutationStep {

  /** What this step changes in {@code pod} under {@code rule}, and what it has to tell the user. */
  StepResult apply(PodView pod, NamespaceRule rule);
}
