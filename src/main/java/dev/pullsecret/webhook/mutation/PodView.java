package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** The pod as the earlier steps of a pass left it: what a {@link MutationStep} reads. */
interface PodView {

  /**
   * Containers whose image could be parsed, in pull order, with what earlier steps made of them.
   */
  List<ContainerImage> containers();

  /** The containers the scope allows a step to change (see {@link MutationScope}). */
  default List<ContainerImage> rewritableContainers() {
    return containers().stream().filter(ContainerImage::rewritable).toList();
  }

  /**
   * A step's result when it makes at most one change to each {@link #rewritableContainers()
   * rewritable container}: what {@code change} makes of each, in container order, no warnings.
   */
  default StepResult changeEachRewritable(Function<ContainerImage, Optional<Change>> change) {
    List<Change> changes = new ArrayList<>();
    for (ContainerImage c : rewritableContainers()) {
      change.apply(c).ifPresent(changes::add);
    }
    return StepResult.of(changes);
  }

  /** Names of the pull secrets the pod has, those added by earlier steps included. */
  Set<String> pullSecretNames();

  /** Whether the pass may change the whole pod (secrets, metadata), not just new containers. */
  boolean wholePod();

  /** The digests looked up for this pass, before it (the pass itself does no I/O). */
  ResolvedDigests digests();

  /**
   * What the {@code when: present} mirrors answered for the images they may take, looked up before
   * the mirror step: a digest means the mirror holds the image.
   */
  ResolvedDigests mirrorPresence();

  /**
   * One container as the pass sees it.
   *
   * @param original the image as the pod was sent
   * @param image the image after the earlier steps
   * @param pullPolicy the pull policy after the earlier steps (null when unset)
   * @param rewritable whether the scope allows changing this container (see {@link MutationScope})
   */
  record ContainerImage(
      PodContainer container,
      ImageReference original,
      ImageReference image,
      String pullPolicy,
      boolean rewritable) {}
}
