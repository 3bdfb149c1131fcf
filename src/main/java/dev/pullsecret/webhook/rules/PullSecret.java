package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.text.Text;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A pull secret that rules may inject, and the registries it serves. A secret with no registries
 * serves every image; one with registries is only added to pods that use at least one image from
 * them, so a pod never carries credentials it has no use for.
 *
 * @param source where the webhook copies the secret's content from, or null when it only adds the
 *     reference and the Secret is managed by other means; for a secret with a {@code provider}, the
 *     Secret the webhook generates in its own namespace ({@link #generatedSourceName})
 * @param provider the credential provider (its name in the CredentialProviderConfig) whose plugin
 *     the webhook runs for each registry to make the content, renewed before it expires; null for a
 *     secret whose content comes from a source Secret, or from nowhere
 */
public record PullSecret(
    String name, List<RegistryPattern> registries, SecretSource source, String provider) {

  public static final String GENERATED_SUFFIX = "-provider";

  public PullSecret {
    registries = List.copyOf(registries);
  }

  /** The name of the {@code source} generated for a pull secret with a {@code provider}. */
  public static String generatedSourceName(String name) {
    return name + GENERATED_SUFFIX;
  }

  /**
   * Why {@code name} is not a credential provider's name, as a whole message; null when it is one.
   * A provider's name is the file name of its plugin in the plugin directory, so the kubelet's
   * rules for it (pkg/credentialprovider/plugin/config.go) apply wherever one is written: in a
   * CredentialProviderConfig and in a pull secret's {@code provider}.
   */
  public static String providerProblem(String name) {
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

  /** Whether the webhook copies this secret into the namespaces its rules cover. */
  public boolean isDelivered() {
    return source != null;
  }

  /** Whether its content comes from a credential provider, renewed by the webhook. */
  public boolean hasProvider() {
    return provider != null;
  }

  /** This pull secret with its source resolved against the webhook's namespace. */
  public PullSecret inNamespace(String ownNamespace) {
    return source == null
        ? this
        : new PullSecret(name, registries, source.in(ownNamespace), provider);
  }

  public boolean servesAnyOf(Collection<ImageReference> images) {
    return registries.isEmpty()
        || images.stream().anyMatch(image -> registries.stream().anyMatch(r -> r.matches(image)));
  }

  /** Its registries in messages: {@code a.io, b.io}, or {@code every registry}. */
  public String registriesText() {
    return registries.isEmpty()
        ? "every registry"
        : registries.stream().map(RegistryPattern::toString).collect(Collectors.joining(", "));
  }
}
