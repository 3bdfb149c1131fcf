package dev.pullsecret.webhook.mutation;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists every container of a pod spec, in the order the kubelet pulls them. A {@code null} entry (a
 * client may send one; the API server never does) is skipped but keeps its index, so patch paths
 * still point at the right element.
 */
final class PodContainers {

  private PodContainers() {}

  static List<PodContainer> of(PodSpec spec) {
    List<PodContainer> all = new ArrayList<>();
    addAll(all, ContainerKind.INIT, spec.getInitContainers());
    addAll(all, ContainerKind.CONTAINER, spec.getContainers());
    List<EphemeralContainer> ephemeral = spec.getEphemeralContainers();
    if (ephemeral != null) {
      for (int i = 0; i < ephemeral.size(); i++) {
        EphemeralContainer c = ephemeral.get(i);
        if (c == null) {
          continue;
        }
        all.add(
            new PodContainer(
                ContainerKind.EPHEMERAL, i, c.getName(), c.getImage(), c.getImagePullPolicy()));
      }
    }
    return all;
  }

  private static void addAll(List<PodContainer> all, ContainerKind kind, List<Container> list) {
    if (list == null) {
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      Container c = list.get(i);
      if (c == null) {
        continue;
      }
      all.add(new PodContainer(kind, i, c.getName(), c.getImage(), c.getImagePullPolicy()));
    }
  }
}
