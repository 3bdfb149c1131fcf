package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.NamespaceLabels;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.NamespaceScope.Choice;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesStore;
import dev.pullsecret.webhook.rules.SecretSource;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which copies a namespace should have: the delivered secrets of its rule, and none where the
 * webhook never acts (skipped and opted-out namespaces: {@link NamespaceScope}), so credentials
 * never reach a namespace that opted out or the control plane's. The doctor asks {@link #of} about
 * rules it read itself.
 */
public record DesiredCopies(RulesStore store, NamespaceScope scope, String ownNamespace) {

  /** The rules in force: read once per reconcile ({@link Reconciler}). */
  Rules rules() {
    return store.get().rules();
  }

  /** The pull secrets {@code current} delivers, sources resolved. */
  List<PullSecret> delivered(Rules current) {
    return delivered(current.pullSecrets(), ownNamespace).toList();
  }

  /** The pull secret {@code name} of the rules in force, if it is delivered (source resolved). */
  Optional<PullSecret> delivered(String name) {
    return delivered(rules()).stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The copies {@code namespace} should have under {@code current}. */
  List<PullSecret> in(Rules current, NamespaceFacts namespace) {
    return of(current, scope, namespace.name(), namespace.labels(), ownNamespace);
  }

  /**
   * The delivered pull secrets of {@code namespace}'s rule, with sources resolved against the
   * webhook's namespace; none when the namespace is left out. A source is never its own copy: a
   * rule covering the source's namespace with the source's name wants nothing there.
   */
  public static List<PullSecret> of(
      Rules rules,
      NamespaceScope scope,
      String namespace,
      NamespaceLabels labels,
      String ownNamespace) {
    if (!(scope.choose(rules, namespace, labels) instanceof Choice.Applies applies)) {
      return List.of();
    }
    return delivered(applies.match().rule().pullSecrets(), ownNamespace)
        .filter(s -> !isSource(s.source(), namespace, s.name()))
        .toList();
  }

  private static Stream<PullSecret> delivered(List<PullSecret> secrets, String ownNamespace) {
    return secrets.stream().filter(PullSecret::isDelivered).map(s -> s.inNamespace(ownNamespace));
  }

  static boolean isSource(SecretSource source, String namespace, String name) {
    return source.namespace().equals(namespace) && source.name().equals(name);
  }
}
