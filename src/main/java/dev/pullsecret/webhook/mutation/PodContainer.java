package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.text.Text;
import java.util.regex.Pattern;
import tools.jackson.core.JsonPointer;

/** A container of any kind with its position in the pod spec, so patches can address it. */
public record PodContainer(
    ContainerKind kind, int index, String name, String image, String imagePullPolicy) {

  /** Pointer to a field of this container, e.g. {@code /spec/initContainers/0/image}. */
  public JsonPointer pointer(String field) {
    return PatchOperation.pointer("spec", kind.field(), Integer.toString(index), field);
  }

  /** A name as the API server accepts it, shown as is; anything else comes quoted. */
  private static final Pattern PLAIN_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /**
   * How warnings name the container: {@code initContainers[0] (setup)}. The name comes from the
   * request: one that the API server would not accept is escaped and bounded, so it cannot forge a
   * log line or swell a warning.
   */
  public String describe() {
    boolean plain = name != null && PLAIN_NAME.matcher(name).matches();
    return position() + " (" + (plain ? name : Text.quote(name)) + ")";
  }

  /** Where the container is in the spec: {@code initContainers[0]}. */
  public String position() {
    return kind.field() + "[" + index + "]";
  }
}
