package dev.pullsecret.webhook.mutation;

import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which parts of a pod a pass may change. A new pod may be changed anywhere. On the {@code
 * pods/ephemeralcontainers} subresource ({@code kubectl debug}) the API server accepts changes to
 * newly added ephemeral containers only: the pod's other fields, {@code imagePullSecrets} and
 * metadata included, are immutable there, and existing ephemeral containers may not be altered.
 *
 * @param wholePod the pass may change any field (secrets, annotations, every container)
 * @param existingEphemeral when not whole-pod: names of the ephemeral containers already present
 */
public record MutationScope(boolean wholePod, Set<String> existingEphemeral) {

  public static final MutationScope CREATE = new MutationScope(true, Set.of());

  /**
   * Only ephemeral containers whose names are not in {@code old}, the spec of the old object (null:
   * there were none). A container without a name, which the API server never sends, counts as new.
   */
  public static MutationScope forNewEphemeralContainers(PodSpec old) {
    Set<String> existing =
        old == null
            ? Set.of()
            : PodContainer.all(old).stream()
                .filter(c -> c.kind() == PodContainer.Kind.EPHEMERAL && c.name() != null)
                .map(PodContainer::name)
                .collect(Collectors.toUnmodifiableSet());
    return new MutationScope(false, existing);
  }

  boolean mayRewrite(PodContainer container) {
    return wholePod
        || container.kind() == PodContainer.Kind.EPHEMERAL
            && (container.name() == null || !existingEphemeral.contains(container.name()));
  }
}
