package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.rules.NamespaceRule;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The mutation core: a pure function of (pod, rule, scope) to patch operations. No I/O, no
 * framework, no shared state, so it is tested with plain tables and benchmarked in isolation.
 *
 * <p>One pass: rewrite images where the rule says so, then add the pull secrets the (rewritten)
 * images need, so a secret bound to a mirror registry follows the images sent there.
 */
public final class PodMutator {

  private final ParsedImages parsedImages = new ParsedImages();

  public Mutation mutate(Pod pod, NamespaceRule rule) {
    return mutate(pod, rule, MutationScope.forCreate());
  }

  public Mutation mutate(Pod pod, NamespaceRule rule, MutationScope scope) {
    PodSpec spec = pod.getSpec();
    var out = new Mutation.Builder(rule.name());
    List<ImageReference> images = new ArrayList<>();
    for (PodContainer container : PodContainers.of(spec)) {
      ImageReference image = parse(container, out);
      if (image == null) {
        continue;
      }
      if (scope.mayRewrite(container) && !rule.images().isNone()) {
        image = ImageRewriter.rewrite(container, image, rule.images(), out);
      }
      images.add(image);
    }
    if (scope.wholePod()) {
      PullSecretInjector.inject(spec.getImagePullSecrets(), rule, images, out);
    }
    // Metadata is immutable on the ephemeralcontainers subresource; the audit log explains those.
    if (out.hasChanges() && scope.wholePod()) {
      out.annotate(
          Explanation.annotate(pod.getMetadata(), Explanation.of(rule.name(), out.changes())));
    }
    return out.build();
  }

  /** Images that cannot be parsed are left alone and reported, never guessed at. */
  private ImageReference parse(PodContainer container, Mutation.Builder out) {
    ParsedImages.Parsed parsed = parsedImages.parse(container.image());
    if (parsed.reference() == null) {
      out.warn(container.describe() + ": " + parsed.problem() + "; left unchanged");
    }
    return parsed.reference();
  }
}
