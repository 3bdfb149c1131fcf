package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.text.Text;
import java.util.List;
import java.util.function.Function;

/** What a mutation did, in words a platform engineer reads in warnings, logs and annotations. */
public sealed interface Change {

  String describe();

  /**
   * The texts of the changes of {@code type}, joined by {@code separator}, bounded: at most {@code
   * maxItems} of them followed by {@code …+N more}, so no annotation or answer grows with a hostile
   * pod of thousands of containers; empty when there is none.
   */
  static <T extends Change> String joined(
      List<Change> changes,
      Class<T> type,
      Function<T, String> text,
      String separator,
      int maxItems) {
    List<T> ofType = changes.stream().filter(type::isInstance).map(type::cast).toList();
    return Text.joined(ofType, text, separator, maxItems);
  }

  /** A pull secret was added to {@code spec.imagePullSecrets}. */
  record SecretInjected(String secret) implements Change {
    @Override
    public String describe() {
      return "added imagePullSecret " + secret;
    }
  }

  /**
   * A container's image was rewritten.
   *
   * @param from the image as the pod was sent
   * @param why what the rule did, e.g. {@code pinned latest to 1.27.3, mirrored docker.io}
   */
  record ImageRewritten(PodContainer container, String from, ImageReference to, String why)
      implements Change {
    @Override
    public String describe() {
      return container.describe() + ": image " + from + " -> " + to + " (" + why + ")";
    }
  }

  /** A container's {@code imagePullPolicy} was set. */
  record PullPolicySet(PodContainer container, String from, String to) implements Change {
    @Override
    public String describe() {
      return container.describe()
          + ": imagePullPolicy "
          + (from == null ? "unset" : from)
          + " -> "
          + to;
    }
  }
}
