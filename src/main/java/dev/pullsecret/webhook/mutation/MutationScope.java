package dev.pullsecret.webhook.mutation;

import java.util.Set;

/**
 * Which parts of a pod a pass may change. A new pod may be changed anywhere. On the {@code
 * pods/ephemeralcontainers} subresource ({@code kubectl debug}) the API server accepts changes to
 * newly added ephemeral containers only: the pod's other fields, {@code imagePullSecrets} included,
 * are immutable there, and existing ephemeral containers may not be altered.
 */
public record MutationScope(boolean injectPullSecrets, Set<String> onlyNewEphemeralExcept) {

  private static final MutationScope WHOLE_POD = new MutationScope(true, null);

  public static MutationScope wholePod() {
    return WHOLE_POD;
  }

  /** Only ephemeral containers whose names are not in {@code existing} (from the old object). */
  public static MutationScope newEphemeralContainers(Set<String> existing) {
    return new MutationScope(false, Set.copyOf(existing));
  }

  boolean mayRewrite(PodContainer container) {
    return onlyNewEphemeralExcept == null
        || container.kind() == ContainerKind.EPHEMERAL
            && !onlyNewEphemeralExcept.contains(container.name());
  }
}
