package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;

/** What a mutation did, in words a platform engineer reads in warnings, logs and annotations. */
public sealed interface Change {

  String describe();

  /** A pull secret was added to {@code spec.imagePullSecrets}. */
  record SecretInjected(String secret) implements Change {
    @Override
    public String describe() {
      return "added imagePullSecret " + secret;
    }
  }

  /**
   * A container's image was rewritten (from the image as the pod was sent, which {@code container}
   * holds).
   *
   * @param why what the rule did, e.g. {@code pinned latest to 1.27.3, mirrored docker.io}
   */
  record ImageRewritten(PodContainer container, ImageReference to, String why) implements Change {
    @Override
    public String describe() {
      return container.describe() + ": image " + container.image() + " -> " + to + " (" + why + ")";
    }
  }

  record PullPolicySet(PodContainer container, String to) implements Change {
    @Override
    public String describe() {
      String from = container.imagePullPolicy();
      return container.describe()
          + ": imagePullPolicy "
          + (from == null ? "unset" : from)
          + " -> "
          + to;
    }
  }
}
