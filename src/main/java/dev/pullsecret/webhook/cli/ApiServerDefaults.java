package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API server's defaulting that runs before mutating webhooks and that the webhook's decisions
 * depend on, so a preview sees the pod the server would: {@code imagePullPolicy} is {@code Always}
 * for untagged and {@code :latest} images and {@code IfNotPresent} otherwise.
 */
final class ApiServerDefaults {

  private static final String[] CONTAINER_LISTS = {
    "initContainers", "containers", "ephemeralContainers"
  };

  private ApiServerDefaults() {}

  static void apply(ObjectNode pod) {
    for (String list : CONTAINER_LISTS) {
      for (JsonNode container : pod.path("spec").path(list)) {
        if (container instanceof ObjectNode object && !object.has("imagePullPolicy")) {
          defaultPullPolicy(object);
        }
      }
    }
  }

  private static void defaultPullPolicy(ObjectNode container) {
    try {
      ImageReference image = ImageReference.parse(container.path("image").asString(""));
      container.put("imagePullPolicy", image.isUntaggedOrLatest() ? "Always" : "IfNotPresent");
    } catch (InvalidImageSyntaxException e) {
      // The API server would reject such a pod anyway; leave it for the webhook to report.
    }
  }
}
