package dev.pullsecret.webhook.mutation;

import java.util.Set;

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

  private static final MutationScope CREATE = new MutationScope(true, Set.of());

  /** A pod being created. */
  public static MutationScope forCreate() {
    return CREATE;
  }

  /**
   * Only ephemeral containers whose names are not in {@code existing} (from the old object). A
   * container without a name, which the API server never sends, counts as new.
   */
  public static MutationScope forNewEphemeralContainers(Set<String> existing) {
    return new MutationScope(false, Set.copyOf(existing));
  }

  boolean mayRewrite(PodContainer container) {
    return wholePod
        || container.kind() == PodContainer.Kind.EPHEMERAL
            && (container.name() == null || !existingEphemeral.contains(container.name()));
  }
}
