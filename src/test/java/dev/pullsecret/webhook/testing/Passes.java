package dev.pullsecret.webhook.testing;

import dev.pullsecret.webhook.glob.Glob;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Mutation;
import dev.pullsecret.webhook.mutation.MutationScope;
import dev.pullsecret.webhook.mutation.Pass;
import dev.pullsecret.webhook.mutation.PodMutator;
import dev.pullsecret.webhook.mutation.ResolvedDigests;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.RuleMatch;
import dev.pullsecret.webhook.rules.Rules;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Set;
import java.util.function.Function;

/** Whole passes of the mutation core over a pod being created, as admission runs them. */
public final class Passes {

  private Passes() {}

  /** The rule {@code rules} give a namespace without labels. */
  public static RuleMatch match(Rules rules, String namespace) {
    return rules.forNamespace(namespace, NamespaceLabels.NONE).orElseThrow();
  }

  /** {@code rule} as chosen by its first namespace (or by its selector alone). */
  public static RuleMatch match(NamespaceRule rule) {
    return new RuleMatch(
        rule, rule.namespaces().isEmpty() ? Glob.compile("*") : rule.namespaces().getFirst());
  }

  /** A pass that resolves no digest. */
  public static Mutation create(PodMutator mutator, Pod pod, RuleMatch match) {
    return create(mutator, pod, match, candidates -> ResolvedDigests.NONE);
  }

  /** A pass whose digest candidates are answered by {@code lookup}, and no mirror's presence. */
  public static Mutation create(
      PodMutator mutator,
      Pod pod,
      RuleMatch match,
      Function<Set<ImageReference>, ResolvedDigests> lookup) {
    return create(mutator, pod, match, lookup, lookup);
  }

  /**
   * A pass whose mirror candidates are answered by {@code mirrors} (a digest: the mirror holds the
   * image) and then its digest candidates by {@code digests}, as admission runs it.
   */
  public static Mutation create(
      PodMutator mutator,
      Pod pod,
      RuleMatch match,
      Function<Set<ImageReference>, ResolvedDigests> mirrors,
      Function<Set<ImageReference>, ResolvedDigests> digests) {
    Pass pass = mutator.begin(pod, match, MutationScope.CREATE);
    Set<ImageReference> candidates =
        pass.digestCandidates(mirrors.apply(pass.mirrorCandidates().keySet()));
    return pass.finish(digests.apply(candidates));
  }
}
