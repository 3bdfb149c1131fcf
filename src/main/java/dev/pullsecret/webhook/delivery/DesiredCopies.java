package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesStore;
import dev.pullsecret.webhook.rules.SecretSource;
import java.util.List;

/**
 * Which copies a namespace should have under the rules: the delivered secrets of its rule. The sync
 * loop and admission ask an instance, bound to the current rules and the webhook's namespace; the
 * doctor asks {@link #of} about rules it read itself.
 */
public final class DesiredCopies {

  private final RulesStore rules;
  private final String ownNamespace;

  DesiredCopies(RulesStore rules, String ownNamespace) {
    this.rules = rules;
    this.ownNamespace = ownNamespace;
  }

  /** The copies {@code namespace} should have under the current rules (read once per call). */
  List<PullSecret> in(String namespace) {
    return of(rules.get().rules(), namespace, ownNamespace);
  }

  /**
   * The delivered pull secrets of {@code namespace}'s rule, with sources resolved against the
   * webhook's namespace. A source is never its own copy: a rule covering the source's namespace
   * with the source's name wants nothing there.
   */
  public static List<PullSecret> of(Rules rules, String namespace, String ownNamespace) {
    return rules.forNamespace(namespace).map(NamespaceRule::pullSecrets).orElse(List.of()).stream()
        .filter(PullSecret::isDelivered)
        .map(s -> new PullSecret(s.name(), s.registries(), s.source().in(ownNamespace)))
        .filter(s -> !isSource(s.source(), namespace, s.name()))
        .toList();
  }

  private static boolean isSource(SecretSource source, String namespace, String name) {
    return source.namespace().equals(namespace) && source.name().equals(name);
  }
}
