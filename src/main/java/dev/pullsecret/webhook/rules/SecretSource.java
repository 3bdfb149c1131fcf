package dev.pullsecret.webhook.rules;

import io.fabric8.kubernetes.client.utils.KubernetesResourceUtil;

/**
 * Where the content of a delivered pull secret comes from: a Secret the webhook copies into every
 * namespace whose rule names the pull secret.
 *
 * @param namespace the source's namespace, or null for the webhook's own namespace (the natural
 *     home of a secret the platform team manages once)
 */
public record SecretSource(String namespace, String name) {

  /**
   * Reads {@code NAMESPACE/NAME}, or {@code NAME} for a Secret in the webhook's own namespace.
   *
   * @throws IllegalArgumentException saying so when it is neither
   */
  static SecretSource parse(String text) {
    int slash = text.indexOf('/');
    String namespace = slash < 0 ? null : text.substring(0, slash);
    String name = text.substring(slash + 1);
    if ((namespace != null && !KubernetesResourceUtil.isValidName(namespace))
        || !KubernetesResourceUtil.isValidSubdomainName(name)) {
      throw new IllegalArgumentException(
          ("'%s' is not a source Secret: write NAMESPACE/NAME, or NAME for a Secret in the"
                  + " webhook's own namespace")
              .formatted(text));
    }
    return new SecretSource(namespace, name);
  }

  /** The source with its namespace resolved: {@code namespace} or else {@code ownNamespace}. */
  public SecretSource in(String ownNamespace) {
    return namespace != null ? this : new SecretSource(ownNamespace, name);
  }

  @Override
  public String toString() {
    return (namespace == null ? "" : namespace + "/") + name;
  }
}
