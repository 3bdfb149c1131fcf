package dev.pullsecret.webhook.admission;

import com.fasterxml.jackson.annotation.JsonIncludeProperties;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fields of a pod that the webhook reads; the codec's mapper binds only these and skips the
 * rest of the object unparsed (managedFields, env, probes, volumes, status, ...), which is most of
 * a real pod's bytes. This is safe because the webhook only reads the pod: the patch is made of
 * explicit operations computed from these fields, never from a re-serialised pod, and the API
 * server applies it to the object it holds.
 *
 * <p>A field the mutation core starts to read must be added here, or it will read as null. {@code
 * PodFieldsTest} checks that every fixture gets the same answer with and without these mix-ins.
 */
final class PodFields {

  private PodFields() {}

  @JsonIncludeProperties({"metadata", "spec"})
  interface PodMixIn {}

  /** {@code annotations} for the mirror-pod check; names for the log line and the namespace. */
  @JsonIncludeProperties({"name", "generateName", "namespace", "annotations"})
  interface ObjectMetaMixIn {}

  @JsonIncludeProperties({
    "initContainers",
    "containers",
    "ephemeralContainers",
    "imagePullSecrets"
  })
  interface PodSpecMixIn {}

  @JsonIncludeProperties({"name", "image", "imagePullPolicy"})
  interface ContainerMixIn {}

  static JsonMapper.Builder bindOnlyReadFields(JsonMapper.Builder builder) {
    return builder
        .addMixIn(Pod.class, PodMixIn.class)
        .addMixIn(ObjectMeta.class, ObjectMetaMixIn.class)
        .addMixIn(PodSpec.class, PodSpecMixIn.class)
        .addMixIn(Container.class, ContainerMixIn.class)
        .addMixIn(EphemeralContainer.class, ContainerMixIn.class);
  }
}
