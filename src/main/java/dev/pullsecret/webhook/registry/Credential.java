package dev.pullsecret.webhook.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A user name and password (or token) for a registry, as a dockerconfigjson entry holds them. Never
 * printed: {@link #toString} names the user only.
 */
public record Credential(String username, String password) {

  public Credential {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /** The value of an {@code Authorization} header for HTTP basic authentication. */
  String basicAuthorization() {
    String pair = username + ":" + password;
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Credential[username=" + username + ", password=<redacted>]";
  }
}
