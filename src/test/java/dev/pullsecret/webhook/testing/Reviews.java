package dev.pullsecret.webhook.testing;

import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.patch.PatchOperation;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Test helpers for AdmissionReviews: fixtures, and applying a response's patch to the reviewed
 * object with a real JSON Patch implementation (fabric8 zjsonpatch), read back as a fabric8 Pod.
 */
public final class Reviews {

  public static final JsonMapper JSON = JsonMapper.builder().build();

  private Reviews() {}

  public static byte[] resource(String path) {
    try (InputStream in = Reviews.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode json(byte[] bytes) {
    return JSON.readTree(bytes);
  }

  /** Applies the base64 JSON Patch of {@code response} (an AdmissionReview) to {@code object}. */
  public static JsonNode applyPatch(JsonNode object, JsonNode response) {
    String patch = response.path("response").path("patch").asString();
    byte[] decoded = Base64.getDecoder().decode(patch);
    return JsonPatch.apply(JSON.readTree(decoded), object);
  }

  /** {@code pod} with {@code operations} applied by a real JSON Patch implementation. */
  public static Pod patched(Pod pod, List<PatchOperation> operations) {
    JsonNode patch = JSON.valueToTree(operations);
    return pod(JsonPatch.apply(patch, JSON.valueToTree(pod)));
  }

  public static Pod pod(JsonNode object) {
    return JSON.treeToValue(object, Pod.class);
  }

  public static List<String> pullSecretNames(Pod pod) {
    List<LocalObjectReference> refs = pod.getSpec().getImagePullSecrets();
    return refs == null ? List.of() : refs.stream().map(LocalObjectReference::getName).toList();
  }

  /** The same review with another object, as the API server sends on re-invocation. */
  public static byte[] withObject(byte[] review, JsonNode object) {
    ObjectNode copy = (ObjectNode) json(review);
    ((ObjectNode) copy.get("request")).set("object", object);
    return JSON.writeValueAsBytes(copy);
  }

  /**
   * The same review with {@code marker} in an annotation, an env value and the container args of
   * its pod: text that must never reach a log.
   */
  public static byte[] withMarker(byte[] review, String marker) {
    ObjectNode tree = (ObjectNode) json(review);
    ObjectNode pod = (ObjectNode) tree.at("/request/object");
    ((ObjectNode) pod.at("/metadata/annotations")).put("note", "annotation " + marker);
    ObjectNode container = (ObjectNode) pod.at("/spec/containers/0");
    container.putArray("env").addObject().put("name", "TOKEN").put("value", "env " + marker);
    container.putArray("args").add("--password=" + marker);
    return JSON.writeValueAsBytes(tree);
  }

  /** The request to create {@code pod} (named {@code name}) in its namespace, as decoded. */
  public static AdmissionRequest creation(String uid, String name, Pod pod) {
    return new AdmissionRequest(
        uid,
        new AdmissionRequest.Kind("", "v1", "Pod"),
        null,
        name,
        pod.getMetadata().getNamespace(),
        "CREATE",
        false,
        pod,
        null);
  }
}
