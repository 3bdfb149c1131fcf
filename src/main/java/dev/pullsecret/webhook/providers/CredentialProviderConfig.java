package dev.pullsecret.webhook.providers;

import java.util.List;
import java.util.Optional;

/**
 * A CredentialProviderConfig read and validated ({@link CredentialProviderConfigParser}): the
 * providers the webhook may run, by name.
 */
public record CredentialProviderConfig(List<CredentialProvider> providers) {

  public CredentialProviderConfig {
    providers = List.copyOf(providers);
  }

  public Optional<CredentialProvider> provider(String name) {
    return providers.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The names, in file order: metric labels, and the list in messages about an unknown name. */
  public List<String> names() {
    return providers.stream().map(CredentialProvider::name).toList();
  }
}
