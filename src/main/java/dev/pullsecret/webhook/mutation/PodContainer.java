package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.text.Text;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** A container of any kind with its position in the pod spec, so patches can address it. */
public record PodContainer(
    Kind kind, int index, String name, String image, String imagePullPolicy) {

  /** The three lists of a pod spec that hold containers, each with its own pull of images. */
  public enum Kind {
    INIT("initContainers"),
    CONTAINER("containers"),
    EPHEMERAL("ephemeralContainers");

    private final String field;

    Kind(String field) {
      this.field = field;
    }

    /** The pod spec field, e.g. {@code initContainers}. */
    public String field() {
      return field;
    }
  }

  /**
   * Every container of a pod spec, in the order the kubelet pulls them. A {@code null} entry (a
   * client may send one; the API server never does) is skipped but keeps its index, so patch paths
   * still point at the right element.
   */
  static List<PodContainer> all(PodSpec spec) {
    List<PodContainer> all = new ArrayList<>();
    addAll(all, Kind.INIT, spec.getInitContainers());
    addAll(all, Kind.CONTAINER, spec.getContainers());
    addAll(all, Kind.EPHEMERAL, spec.getEphemeralContainers());
    return all;
  }

  /** fabric8's two container types share no interface: the three fields are read from either. */
  private static void addAll(List<PodContainer> all, Kind kind, List<?> list) {
    for (int i = 0; list != null && i < list.size(); i++) {
      switch (list.get(i)) {
        case Container c ->
            all.add(new PodContainer(kind, i, c.getName(), c.getImage(), c.getImagePullPolicy()));
        case EphemeralContainer c ->
            all.add(new PodContainer(kind, i, c.getName(), c.getImage(), c.getImagePullPolicy()));
        case null, default -> {}
      }
    }
  }

  /** Pointer to a field of this container, e.g. {@code /spec/initContainers/0/image}. */
  public String pointer(String field) {
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
