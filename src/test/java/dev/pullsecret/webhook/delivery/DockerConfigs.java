package dev.pullsecret.webhook.delivery;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/** Pull-secret content for tests: one Docker Hub entry whose password names a version. */
final class DockerConfigs {

  private static final Pattern AUTH = Pattern.compile("\"auth\":\"([^\"]+)\"");

  private DockerConfigs() {}

  /** {@code .dockerconfigjson} content (or legacy {@code .dockercfg} content). */
  static String json(String version, boolean legacy) {
    String entry =
        "{\"https://index.docker.io/v1/\":{\"auth\":\"" + encode("robot:" + version) + "\"}}";
    return legacy ? entry : "{\"auths\":" + entry + "}";
  }

  /** The version in base64 {@code data} value made by {@link #json}, or the decoded text. */
  static String version(String dataValue) {
    String text = new String(Base64.getDecoder().decode(dataValue), StandardCharsets.UTF_8);
    var auth = AUTH.matcher(text);
    if (!auth.find()) {
      return text;
    }
    String userPassword =
        new String(Base64.getDecoder().decode(auth.group(1)), StandardCharsets.UTF_8);
    return userPassword.substring(userPassword.indexOf(':') + 1);
  }

  static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
