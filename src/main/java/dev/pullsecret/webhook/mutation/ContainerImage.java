package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import java.util.Objects;

/** One container as a {@link Pass} sees it, changed in place by the steps. */
final class ContainerImage {

  final PodContainer container;

  /** The image as the pod was sent. */
  final ImageReference original;

  /** The pull policy after the earlier steps (null when unset); set back, it is no change. */
  String pullPolicy;

  /** Whether a {@code when: present} mirror did not take the image (see {@link Explanation}). */
  boolean mirrorSkipped;

  private ImageReference image;

  /** The reasons of the rewrites of the image so far, joined; null when none. */
  String why;

  ContainerImage(PodContainer container, ImageReference original) {
    this.container = container;
    this.original = original;
    this.image = original;
    this.pullPolicy = container.imagePullPolicy();
  }

  /** The image after the earlier steps. */
  ImageReference image() {
    return image;
  }

  boolean pullPolicyChanged() {
    return !Objects.equals(pullPolicy, container.imagePullPolicy());
  }

  /** Rewrites the image: the rewrites of one image are one change, with every step's reason. */
  void rewrite(ImageReference to, String reason) {
    image = to;
    why = why == null ? reason : why + ", " + reason;
  }
}
