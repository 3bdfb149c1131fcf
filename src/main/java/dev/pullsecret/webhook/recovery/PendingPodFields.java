package dev.pullsecret.webhook.recovery;

import com.fasterxml.jackson.annotation.JsonIncludeProperties;
import dev.pullsecret.webhook.delivery.NamedKeysOnly;
import dev.pullsecret.webhook.mutation.Explanation;
import dev.pullsecret.webhook.mutation.PodMutator;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * The fields of a pod that {@link PendingPod} reads, the only ones the pending pods' watch binds:
 * the rest (env, volumes, probes, managedFields...) is skipped unparsed. A pod is whatever its
 * author wrote, up to the API server's limits, and a page of the watch's list is held whole before
 * the store reduces it: bound as fabric8's objects, one pod of 100,000 environment variables (1.8
 * MB of JSON) took about 20 MB of heap, and a tenant's 30 such pods, or 200 of 1 MB, ended the
 * process at start-up. Lists and maps are bounded by count too, as a pod may hold thousands of
 * small entries; what a longer list loses is taken as missing (a pod not recovered, never a pod
 * wrongly evicted: an owner past the first is not a controller), and a pod whose pull secrets were
 * cut short is not judged ({@link #whole}).
 */
final class PendingPodFields {

  private PendingPodFields() {}

  /** Per list: containers, statuses, pull secrets, owners (real pods have a handful). */
  static final int MAX_LIST_ELEMENTS = 256;

  /**
   * Labels are read for the opt-out label only (as at admission, {@code PodFields}); a pod with
   * more is taken as opted out, never judged.
   */
  static final int MAX_LABELS_KEPT = 64;

  /** A list that keeps its first {@link #MAX_LIST_ELEMENTS} elements and drops the others. */
  static final class KeptFirst<T> extends ArrayList<T> {

    private boolean dropped;

    @Override
    public boolean add(T element) {
      if (size() < MAX_LIST_ELEMENTS) {
        return super.add(element);
      }
      dropped = true;
      return false;
    }
  }

  /** Whether {@code list} holds every element the pod has (it was not cut short here). */
  static boolean whole(List<?> list) {
    return !(list instanceof KeptFirst<?> kept && kept.dropped);
  }

  /** Whether {@code labels} are all the pod's: the opt-out label may be among those left out. */
  static boolean whole(Map<String, String> labels) {
    return !(labels instanceof ReadLabels kept && kept.dropped);
  }

  /** The first {@link #MAX_LABELS_KEPT} labels (the API server writes them sorted by key). */
  static final class ReadLabels extends LinkedHashMap<String, String> {

    private boolean dropped;

    @Override
    public String put(String key, String value) {
      if (size() < MAX_LABELS_KEPT) {
        return super.put(key, value);
      }
      dropped = true;
      return null;
    }
  }

  /** Annotations are read for the explanation's and the mirror pod's marker only. */
  static final class ReadAnnotations extends NamedKeysOnly {
    ReadAnnotations() {
      super(Explanation.ANNOTATION, PodMutator.MIRROR_POD_ANNOTATION);
    }
  }

  @JsonIncludeProperties({"metadata", "spec", "status"})
  interface PodMixIn {}

  /** The resource version is the watch's bookmark; a pod being deleted is never judged. */
  @JsonIncludeProperties({
    "name",
    "namespace",
    "uid",
    "creationTimestamp",
    "deletionTimestamp",
    "resourceVersion",
    "labels",
    "annotations",
    "ownerReferences"
  })
  interface ObjectMetaMixIn {
    @JsonDeserialize(as = ReadLabels.class)
    void setLabels(Map<String, String> labels);

    @JsonDeserialize(as = ReadAnnotations.class)
    void setAnnotations(Map<String, String> annotations);
  }

  @JsonIncludeProperties({"kind", "name", "controller"})
  interface OwnerReferenceMixIn {}

  @JsonIncludeProperties({"initContainers", "containers", "imagePullSecrets"})
  interface PodSpecMixIn {}

  @JsonIncludeProperties({"name", "image"})
  interface ContainerMixIn {}

  @JsonIncludeProperties({"name"})
  interface LocalObjectReferenceMixIn {}

  @JsonIncludeProperties({"phase", "initContainerStatuses", "containerStatuses"})
  interface PodStatusMixIn {}

  @JsonIncludeProperties({"name", "state"})
  interface ContainerStatusMixIn {}

  @JsonIncludeProperties({"waiting"})
  interface ContainerStateMixIn {}

  @JsonIncludeProperties({"reason"})
  interface ContainerStateWaitingMixIn {}

  /**
   * For a client that reads pods only: every other object's metadata would lose fields too. Every
   * list is a {@link KeptFirst}.
   */
  static JsonMapper.Builder bindOnlyReadFields(JsonMapper.Builder builder) {
    return builder
        .addModule(new SimpleModule().addAbstractTypeMapping(List.class, KeptFirst.class))
        .addMixIn(Pod.class, PodMixIn.class)
        .addMixIn(ObjectMeta.class, ObjectMetaMixIn.class)
        .addMixIn(OwnerReference.class, OwnerReferenceMixIn.class)
        .addMixIn(PodSpec.class, PodSpecMixIn.class)
        .addMixIn(Container.class, ContainerMixIn.class)
        .addMixIn(LocalObjectReference.class, LocalObjectReferenceMixIn.class)
        .addMixIn(PodStatus.class, PodStatusMixIn.class)
        .addMixIn(ContainerStatus.class, ContainerStatusMixIn.class)
        .addMixIn(ContainerState.class, ContainerStateMixIn.class)
        .addMixIn(ContainerStateWaiting.class, ContainerStateWaitingMixIn.class);
  }
}
