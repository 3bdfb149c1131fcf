package dev.pullsecret.webhook.recovery;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;

/** The container status of a pod that recovery reads: a container waiting, and why. */
final class Waiting {

  private Waiting() {}

  /**
   * {@code container} waiting for {@code reason} (ImagePullBackOff, ErrImagePull, ...), with the
   * kubelet's {@code message} (null: none).
   */
  static ContainerStatusBuilder builder(String container, String reason, String message) {
    return new ContainerStatusBuilder()
        .withName(container)
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .endState();
  }

  static ContainerStatus status(String container, String reason) {
    return builder(container, reason, null).build();
  }
}
