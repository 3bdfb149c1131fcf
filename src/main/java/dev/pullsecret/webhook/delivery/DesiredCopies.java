package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.SecretSource;
import java.util.List;

/** Which copies a namespace should have under the rules: the delivered secrets of its rule. */
public final class DesiredCopies {

  private DesiredCopies() {}

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
