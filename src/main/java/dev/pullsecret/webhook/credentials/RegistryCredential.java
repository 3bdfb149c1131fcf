package dev.pullsecret.webhook.credentials;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * The username and password of one auths entry (as {@code AuthsEntry} reads them), which the
 * kubelet hands to the container runtime and digest lookups at registries authenticate with ({@code
 * registry.RegistryCredentials}), as basic auth.
 *
 * <p>{@link #toString()} shows only the auths key: a credential must never reach a log.
 *
 * @param key the auths key as written in the secret, e.g. {@code https://index.docker.io/v1/}
 * @param username the username, empty when the entry has none
 * @param password the password or token, empty when the entry has none
 */
public record RegistryCredential(String key, String username, String password) {

  public RegistryCredential {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /** The value of an HTTP {@code Authorization} header: {@code Basic base64(username:password)}. */
  public String basicAuthorization() {
    return "Basic " + auth();
  }

  /** {@code base64(username:password)}, the {@code auth} of an auths entry. */
  String auth() {
    return Base64.getEncoder()
        .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Whether there is anything to authenticate with; an empty credential pulls anonymously. */
  public boolean isEmpty() {
    return username.isEmpty() && password.isEmpty();
  }

  @Override
  public String toString() {
    return "RegistryCredential[key="
        + RegistryKey.display(key)
        + ", username=<redacted>, password=<redacted>]";
  }
}
