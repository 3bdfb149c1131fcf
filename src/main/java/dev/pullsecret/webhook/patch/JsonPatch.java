package dev.pullsecret.webhook.patch;

import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/** Serialises patch operations to the JSON text the API server expects (before base64). */
public final class JsonPatch {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private JsonPatch() {}

  public static byte[] toJson(List<PatchOperation> operations) {
    return MAPPER.writeValueAsBytes(operations);
  }
}
