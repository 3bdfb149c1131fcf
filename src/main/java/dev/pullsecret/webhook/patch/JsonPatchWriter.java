package dev.pullsecret.webhook.patch;

import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes patch operations as the JSON Patch document the API server expects (before base64). Not to
 * be confused with zjsonpatch's {@code JsonPatch}, which applies one (preview and the tests).
 */
public final class JsonPatchWriter {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private JsonPatchWriter() {}

  public static byte[] toJson(List<PatchOperation> operations) {
    return MAPPER.writeValueAsBytes(operations);
  }
}
