package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.InvalidImageReferenceException;
import dev.pullsecret.webhook.rules.NamespaceRule;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The mutation core: a pure function of (pod, rule) to patch operations. No I/O, no framework, no
 * shared state, so it is tested with plain tables and benchmarked in isolation.
 */
public final class PodMutator {

  public Mutation mutate(Pod pod, NamespaceRule rule) {
    PodSpec spec = pod.getSpec();
    var out = new Mutation.Builder(rule.name());
    List<PodContainer> containers = PodContainers.of(spec);
    List<ImageReference> images = parseImages(containers, out);
    PullSecretInjector.inject(spec.getImagePullSecrets(), rule, images, out);
    return out.build();
  }

  /** Images that cannot be parsed are left alone and reported, never guessed at. */
  private static List<ImageReference> parseImages(
      List<PodContainer> containers, Mutation.Builder out) {
    List<ImageReference> images = new ArrayList<>(containers.size());
    for (PodContainer container : containers) {
      try {
        images.add(ImageReference.parse(container.image()));
      } catch (InvalidImageReferenceException e) {
        out.warn(container.describe() + ": " + e.getMessage() + "; left unchanged");
      }
    }
    return images;
  }
}
