package dev.pullsecret.webhook.admission;

import com.fasterxml.jackson.annotation.JsonIncludeProperties;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.annotation.JsonDeserialize;
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

  /**
   * {@code annotations} for the mirror-pod check; {@code labels} for the opt-out label; names for
   * the log line and the namespace.
   */
  @JsonIncludeProperties({"name", "generateName", "namespace", "annotations", "labels"})
  interface ObjectMetaMixIn {
    @JsonDeserialize(as = BoundedBinding.ReadAnnotations.class)
    void setAnnotations(Map<String, String> annotations);

    @JsonDeserialize(as = BoundedBinding.ReadLabels.class)
    void setLabels(Map<String, String> labels);
  }

  /** Lists bounded by count ({@link BoundedBinding}): refused while read, before they are built. */
  @JsonIncludeProperties({
    "initContainers",
    "containers",
    "ephemeralContainers",
    "imagePullSecrets"
  })
  interface PodSpecMixIn {
    @JsonDeserialize(as = BoundedBinding.BoundedList.class)
    void setInitContainers(List<Container> containers);

    @JsonDeserialize(as = BoundedBinding.BoundedList.class)
    void setContainers(List<Container> containers);

    @JsonDeserialize(as = BoundedBinding.BoundedList.class)
    void setEphemeralContainers(List<EphemeralContainer> containers);

    @JsonDeserialize(as = BoundedBinding.BoundedList.class)
    void setImagePullSecrets(List<LocalObjectReference> secrets);
  }

  @JsonIncludeProperties({"name", "image", "imagePullPolicy"})
  interface ContainerMixIn {}

  /**
   * fabric8's objects keep every property they do not know in a map ({@code @JsonAnySetter}): left
   * open, a {@code kind} or a pull secret reference with a million made-up properties would fill
   * the heap. So every object bound lists its properties.
   */
  @JsonIncludeProperties({"name"})
  interface LocalObjectReferenceMixIn {}

  @JsonIncludeProperties({"group", "version", "kind"})
  interface GroupVersionKindMixIn {}

  @JsonIncludeProperties({"group", "version", "resource"})
  interface GroupVersionResourceMixIn {}

  static JsonMapper.Builder bindOnlyReadFields(JsonMapper.Builder builder) {
    return builder
        .addMixIn(LocalObjectReference.class, LocalObjectReferenceMixIn.class)
        .addMixIn(GroupVersionKind.class, GroupVersionKindMixIn.class)
        .addMixIn(GroupVersionResource.class, GroupVersionResourceMixIn.class)
        .addMixIn(Pod.class, PodMixIn.class)
        .addMixIn(ObjectMeta.class, ObjectMetaMixIn.class)
        .addMixIn(PodSpec.class, PodSpecMixIn.class)
        .addMixIn(Container.class, ContainerMixIn.class)
        .addMixIn(EphemeralContainer.class, ContainerMixIn.class);
  }
}
