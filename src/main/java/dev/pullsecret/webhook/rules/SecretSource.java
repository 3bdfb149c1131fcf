package dev.pullsecret.webhook.rules;

/**
 * Where the content of a delivered pull secret comes from: a Secret the webhook copies into every
 * namespace whose rule names the pull secret.
 *
 * @param namespace the source's namespace, or null for the webhook's own namespace (the natural
 *     home of a secret the platform team manages once)
 * @param name the source Secret's name
 */
public record SecretSource(String namespace, String name) {

  /** The source with its namespace resolved: {@code namespace} or else {@code ownNamespace}. */
  public SecretSource in(String ownNamespace) {
    return namespace != null ? this : new SecretSource(ownNamespace, name);
  }

  @Override
  public String toString() {
    return (namespace == null ? "" : namespace + "/") + name;
  }
}
