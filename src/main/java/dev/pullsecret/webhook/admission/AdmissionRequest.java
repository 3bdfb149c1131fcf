package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.mutation.MutationScope;
import dev.pullsecret.webhook.text.Text;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Objects;

/**
 * The parts of an admission.k8s.io/v1 request the webhook uses ({@code resource}, {@code userInfo},
 * {@code options} are skipped unparsed). {@code object} is decoded directly as a Pod (fabric8's
 * polymorphic decoding buffers the object as a tree first). {@code oldObject}, on the
 * ephemeralcontainers subresource, tells which ephemeral containers existed and may not change.
 */
public record AdmissionRequest(
    String uid,
    Kind kind,
    String subResource,
    String name,
    String namespace,
    String operation,
    Boolean dryRun,
    Pod object,
    Pod oldObject) {

  /** A CREATE of {@code pod} in {@code namespace}, as the API server sends it (preview, tools). */
  public static AdmissionRequest podCreate(String uid, Pod pod, String namespace, boolean dryRun) {
    return new AdmissionRequest(
        uid,
        new Kind("", "v1", "Pod"),
        null,
        pod.getMetadata() == null ? null : pod.getMetadata().getName(),
        namespace,
        "CREATE",
        dryRun,
        pod,
        null);
  }

  /** The kind of object reviewed; a record, so made-up properties in it are not kept. */
  public record Kind(String group, String version, String kind) {}

  public boolean isPod() {
    return kind != null
        && "".equals(Objects.toString(kind.group(), ""))
        && "v1".equals(kind.version())
        && "Pod".equals(kind.kind());
  }

  public boolean isDryRun() {
    return Boolean.TRUE.equals(dryRun);
  }

  public boolean isCreate() {
    return "CREATE".equals(operation);
  }

  public boolean hasSubResource() {
    return subResource != null && !subResource.isEmpty();
  }

  /** {@code kubectl debug}: an UPDATE of {@code pods/ephemeralcontainers} adding a container. */
  public boolean isEphemeralContainersUpdate() {
    return "ephemeralcontainers".equals(subResource) && "UPDATE".equals(operation);
  }

  /** What a pass may change: the whole pod on CREATE, the new ephemeral containers on update. */
  public MutationScope mutationScope() {
    return isEphemeralContainersUpdate()
        ? MutationScope.forNewEphemeralContainers(oldObject == null ? null : oldObject.getSpec())
        : MutationScope.CREATE;
  }

  /**
   * The namespace of the pod. Pods created by controllers often carry no {@code metadata.namespace}
   * in the object, so the request's namespace comes first.
   */
  public String podNamespace() {
    if (namespace != null && !namespace.isEmpty()) {
      return namespace;
    }
    return object != null && object.getMetadata() != null
        ? object.getMetadata().getNamespace()
        : null;
  }

  /** The pod name for logs: {@code generateName} pods have none yet, so show the prefix. */
  public String podName() {
    if (name != null && !name.isEmpty()) {
      return name;
    }
    if (object != null && object.getMetadata() != null) {
      var metadata = object.getMetadata();
      if (metadata.getName() != null) {
        return metadata.getName();
      }
      if (metadata.getGenerateName() != null) {
        return metadata.getGenerateName() + "*";
      }
    }
    return "";
  }

  /**
   * The request as a log line shows it, {@code uid="..." ns="..." pod="..." op="..."}, each value
   * quoted ({@link Text#quote}): one line, bounded, whatever was sent.
   */
  public String summary() {
    return "uid="
        + Text.quote(uid)
        + " ns="
        + Text.quote(podNamespace())
        + " pod="
        + Text.quote(podName())
        + " op="
        + Text.quote(operation)
        + (hasSubResource() ? " subResource=" + Text.quote(subResource) : "");
  }

  /** The kind as sent, quoted: {@code "apps/v1 Deployment"}. */
  public String kindText() {
    if (kind == null) {
      return "null";
    }
    String group = Objects.toString(kind.group(), "");
    return Text.quote(
        (group.isEmpty() ? "" : group + "/")
            + Objects.toString(kind.version(), "")
            + " "
            + Objects.toString(kind.kind(), ""));
  }
}
