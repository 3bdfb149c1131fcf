package dev.pullsecret.webhook.admission;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import tools.jackson.core.exc.StreamConstraintsException;

/**
 * The collections a review's pod is bound into, bounded by count, so the memory and the work of one
 * review do not grow with whatever a client packs into 4 MiB: a list of 20,000 containers (each
 * becomes objects, patch operations and warnings, about 3 KiB of heap) or of a million empty {@code
 * {}} is refused while it is read, with a message, before it is built.
 */
final class BoundedBinding {

  /**
   * Per list: containers, initContainers, ephemeralContainers, imagePullSecrets. Kubernetes sets no
   * number, but a pod runs on one node; real pods have a handful, sidecars included.
   */
  static final int MAX_LIST_ELEMENTS = 256;

  /**
   * The annotations read are the mirror-pod marker and whether there are any (the patch adds to the
   * map or creates it); beyond this many, the others are skipped rather than kept.
   */
  static final int MAX_ANNOTATIONS_KEPT = 16;

  /**
   * The pod's labels are read for the opt-out label only: at most this many valid ones are kept. A
   * pod with more labels before its opt-out label is still left out by the registration's
   * objectSelector, which the API server applies before calling the webhook.
   */
  static final int MAX_LABELS_KEPT = 64;

  /** A label key (prefix of a DNS subdomain, 253, a slash, a name, 63) and value, at most. */
  private static final int MAX_LABEL_KEY = 253 + 1 + 63;

  private static final int MAX_LABEL_VALUE = 63;

  private BoundedBinding() {}

  /** A list that refuses its element past {@link #MAX_LIST_ELEMENTS}. */
  static final class BoundedList<T> extends ArrayList<T> {

    @Override
    public boolean add(T element) {
      if (size() == MAX_LIST_ELEMENTS) {
        // A constraint error, so ParseErrorMessage shows this message (with the JSON path).
        throw new StreamConstraintsException(
            "more than " + MAX_LIST_ELEMENTS + " elements in a pod list (the webhook's limit)");
      }
      return super.add(element);
    }
  }

  /** Annotations: the first few and the mirror-pod marker, wherever it is. */
  static final class ReadAnnotations extends LinkedHashMap<String, String> {

    @Override
    public String put(String key, String value) {
      if (size() < MAX_ANNOTATIONS_KEPT || AdmissionHandler.MIRROR_POD_ANNOTATION.equals(key)) {
        return super.put(key, value);
      }
      return null;
    }
  }

  /**
   * Labels as {@link ReadAnnotations} are annotations: the first {@link #MAX_LABELS_KEPT}, and only
   * those a label can be (a longer key or value is not one, so cannot be the opt-out label).
   */
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
}
