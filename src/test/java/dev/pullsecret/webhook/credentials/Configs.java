package dev.pullsecret.webhook.credentials;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Test configs: auths keys with made-up credentials whose password is {@code HUNTER2-<n>}. */
final class Configs {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private Configs() {}

  /** A config with one entry per key, user {@code user-<n>} and password {@code HUNTER2-<n>}. */
  static DockerConfig withKeys(String... keys) {
    ObjectNode auths = JSON.createObjectNode();
    for (int i = 0; i < keys.length; i++) {
      auths.putObject(keys[i]).put("username", "user-" + i).put("password", "HUNTER2-" + i);
    }
    ObjectNode root = JSON.createObjectNode();
    root.set("auths", auths);
    return decoded(root.toString()).config();
  }

  static PullSecretCheck decoded(String json) {
    return PullSecretCheck.ofDecoded(
        PullSecretCheck.DOCKER_CONFIG_JSON,
        Map.of(PullSecretCheck.DOCKER_CONFIG_JSON_KEY, json.getBytes(StandardCharsets.UTF_8)),
        List.of());
  }
}
