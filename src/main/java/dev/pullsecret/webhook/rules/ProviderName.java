package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.text.Text;

/**
 * The name of a credential provider: the file name of its plugin in the plugin directory, so the
 * kubelet's rules for it (pkg/credentialprovider/plugin/config.go) apply wherever one is written,
 * in a CredentialProviderConfig and in a pull secret's {@code provider}.
 */
public final class ProviderName {

  private ProviderName() {}

  /** Why {@code name} is not a provider name, as a whole message; null when it is one. */
  public static String problem(String name) {
    String why;
    if (name.isEmpty()) {
      why = "it is empty";
    } else if (name.contains("/")) {
      why = "it contains '/'";
    } else if (name.contains(" ")) {
      why = "it contains a space";
    } else if (name.equals(".") || name.equals("..")) {
      why = "it is '" + name + "'";
    } else if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      why = "it contains a control character";
    } else {
      return null;
    }
    return Text.quote(name)
        + " is not a provider name: "
        + why
        + ", and a provider's name is the file name of its plugin in the plugin directory";
  }
}
