package dev.pullsecret.webhook.admission;

import com.fasterxml.jackson.annotation.JsonIncludeProperties;
import dev.pullsecret.webhook.mutation.Explanation;
import dev.pullsecret.webhook.mutation.PodMutator;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * The fields of a pod that the webhook reads; the codec's mapper binds only these and skips the
 * rest of the object unparsed (managedFields, env, probes, volumes, status, ...), which is most of
 * a real pod's bytes. Safe because the patch is made of explicit operations computed from these
 * fields, never from a re-serialised pod. A field the mutation core starts to read must be added
 * here, or it reads as null ({@code PodFieldsTest}: every fixture gets the same answer without
 * these mix-ins).
 *
 * <p>The collections are bounded by count, so one review's memory and work do not grow with what a
 * client packs into 4 MiB: a list of 20,000 containers (about 3 KiB of heap each, as objects, patch
 * operations and warnings) or of a million {@code {}} is refused while it is read, before it is
 * built.
 */
final class PodFields {

  private PodFields() {}

  /**
   * Per list: containers, initContainers, ephemeralContainers, imagePullSecrets. Kubernetes sets no
   * number, but a pod runs on one node; real pods have a handful, sidecars included.
   */
  static final int MAX_LIST_ELEMENTS = 256;

  /**
   * Annotations are read for the mirror-pod marker and whether there are any (the patch adds to the
   * map or creates it): the first few are kept, and the marker and the webhook's own explanation
   * (which a re-invocation extends) wherever they are.
   */
  static final int MAX_ANNOTATIONS_KEPT = 16;

  /**
   * Labels are read for the opt-out label only: the first valid ones are kept. A pod with more
   * before its opt-out label is still left out by the registration's objectSelector, which the API
   * server applies before calling the webhook.
   */
  static final int MAX_LABELS_KEPT = 64;

  /** A label key (prefix of a DNS subdomain, 253, a slash, a name, 63) and value, at most. */
  private static final int MAX_LABEL_KEY = 253 + 1 + 63;

  private static final int MAX_LABEL_VALUE = 63;

  /** A list that refuses its element past {@link #MAX_LIST_ELEMENTS}. */
  static final class BoundedList<T> extends ArrayList<T> {

    @Override
    public boolean add(T element) {
      if (size() == MAX_LIST_ELEMENTS) {
        // A constraint error, so MalformedReviewException shows this message (with the JSON path).
        throw new StreamConstraintsException(
            "more than " + MAX_LIST_ELEMENTS + " elements in a pod list (the webhook's limit)");
      }
      return super.add(element);
    }
  }

  /**
   * Also counts the size of every annotation read, kept or not: the explanation the patch adds must
   * not take the pod past the API server's bound ({@link Explanation#MAX_ANNOTATIONS_BYTES}).
   */
  static final class ReadAnnotations extends LinkedHashMap<String, String>
      implements Explanation.Measured {

    private long bytes;

    @Override
    public long bytesBesidesExplanation() {
      return bytes;
    }

    @Override
    public String put(String key, String value) {
      if (!Explanation.ANNOTATION.equals(key)) {
        bytes += Explanation.utf8Length(key) + (value == null ? 0 : Explanation.utf8Length(value));
      }
      if (size() < MAX_ANNOTATIONS_KEPT
          || PodMutator.MIRROR_POD_ANNOTATION.equals(key)
          || Explanation.ANNOTATION.equals(key)) {
        return super.put(key, value);
      }
      return null;
    }
  }

  /** A longer key or value is not a label, so cannot be the opt-out label. */
  static final class ReadLabels extends LinkedHashMap<String, String> {

    @Override
    public String put(String key, String value) {
      if (size() < MAX_LABELS_KEPT
          && key.length() <= MAX_LABEL_KEY
          && (value == null || value.length() <= MAX_LABEL_VALUE)) {
        return super.put(key, value);
      }
      return null;
    }
  }

  @JsonIncludeProperties({"metadata", "spec"})
  interface PodMixIn {}

  /** Names for the log line and the namespace. */
  @JsonIncludeProperties({"name", "generateName", "namespace", "annotations", "labels"})
  interface ObjectMetaMixIn {
    @JsonDeserialize(as = ReadAnnotations.class)
    void setAnnotations(Map<String, String> annotations);

    @JsonDeserialize(as = ReadLabels.class)
    void setLabels(Map<String, String> labels);
  }

  @JsonIncludeProperties({
    "initContainers",
    "containers",
    "ephemeralContainers",
    "imagePullSecrets"
  })
  interface PodSpecMixIn {}

  @JsonIncludeProperties({"name", "image", "imagePullPolicy"})
  interface ContainerMixIn {}

  /**
   * fabric8's objects keep every property they do not know in a map ({@code @JsonAnySetter}): left
   * open, a pull secret reference with a million made-up properties would fill the heap. So every
   * object bound lists its properties.
   */
  @JsonIncludeProperties({"name"})
  interface LocalObjectReferenceMixIn {}

  /** Every list is a {@link BoundedList}, one added to the mix-ins later too. */
  static JsonMapper.Builder bindOnlyReadFields(JsonMapper.Builder builder) {
    return builder
        .addModule(new SimpleModule().addAbstractTypeMapping(List.class, BoundedList.class))
        .addMixIn(LocalObjectReference.class, LocalObjectReferenceMixIn.class)
        .addMixIn(Pod.class, PodMixIn.class)
        .addMixIn(ObjectMeta.class, ObjectMetaMixIn.class)
        .addMixIn(PodSpec.class, PodSpecMixIn.class)
        .addMixIn(Container.class, ContainerMixIn.class)
        .addMixIn(EphemeralContainer.class, ContainerMixIn.class);
  }
}
