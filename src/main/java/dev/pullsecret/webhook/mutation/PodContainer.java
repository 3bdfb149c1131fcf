package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.patch.PatchOperation;
import tools.jackson.core.JsonPointer;

/** A container of any kind with its position in the pod spec, so patches can address it. */
public record PodContainer(
    ContainerKind kind, int index, String name, String image, String imagePullPolicy) {

  /** Pointer to a field of this container, e.g. {@code /spec/initContainers/0/image}. */
  public JsonPointer pointer(String field) {
    return PatchOperation.pointer("spec", kind.field(), Integer.toString(index), field);
  }

  /** How warnings name the container: {@code initContainers[0] (setup)}. */
  public String describe() {
    return position() + " (" + name + ")";
  }

  /** Where the container is in the spec: {@code initContainers[0]}. */
  public String position() {
    return kind.field() + "[" + index + "]";
  }
}
