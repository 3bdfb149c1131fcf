package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.mutation.Change.PullPolicySet;
import dev.pullsecret.webhook.mutation.Change.SecretInjected;
import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.rules.RuleMatch;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JsonPointer;

/**
 * The pod as the earlier steps of a pass left it (what a step reads and changes in place), turned
 * into changes and operations once, at the end, one per field: when two steps rewrite one
 * container's image (a pin, then a digest), the patch still sets that image once, from the image as
 * sent to the last step's result, with both reasons. Lives for one pass on one thread.
 */
final class PendingPatch {

  /** One container as the pass sees it, changed in place by the steps. */
  static final class ContainerImage {

    final PodContainer container;

    /** The image as the pod was sent. */
    final ImageReference original;

    /** Whether the scope allows changing this container (see {@link MutationScope}). */
    final boolean rewritable;

    /** The pull policy after the earlier steps (null when unset); set back, it is no change. */
    String pullPolicy;

    /** Whether a {@code when: present} mirror did not take the image (see {@link Explanation}). */
    boolean mirrorSkipped;

    private ImageReference image;

    /** The reasons of the rewrites of the image so far, joined; null when none. */
    private String why;

    private ContainerImage(PodContainer container, ImageReference original, boolean rewritable) {
      this.container = container;
      this.original = original;
      this.rewritable = rewritable;
      this.image = original;
      this.pullPolicy = container.imagePullPolicy();
    }

    /** The image after the earlier steps. */
    ImageReference image() {
      return image;
    }

    /** Rewrites the image: the rewrites of one image are one change, with every step's reason. */
    void rewrite(ImageReference to, String reason) {
      image = to;
      why = why == null ? reason : why + ", " + reason;
    }
  }

  private static final JsonPointer PULL_SECRETS =
      PatchOperation.pointer("spec", "imagePullSecrets");
  private static final JsonPointer APPEND = PULL_SECRETS.appendProperty("-");

  private final List<LocalObjectReference> presentSecrets;
  private final boolean wholePod;
  private final List<ContainerImage> containers = new ArrayList<>();
  private final Set<String> secretNames = new HashSet<>();
  private final List<String> secretsAdded = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  /** The containers of {@code spec} whose image {@code images} can parse, and its pull secrets. */
  PendingPatch(PodSpec spec, MutationScope scope, PodMutator.ParsedImages images) {
    for (PodContainer container : PodContainer.all(spec)) {
      PodMutator.ParsedImages.Parsed image = images.parse(container.image());
      if (image.reference() == null) {
        // Images that cannot be parsed are left alone and reported, never guessed at.
        warn(container, image.problem() + "; left unchanged");
      } else {
        containers.add(
            new ContainerImage(container, image.reference(), scope.mayRewrite(container)));
      }
    }
    this.presentSecrets = spec.getImagePullSecrets();
    this.wholePod = scope.wholePod();
    if (presentSecrets != null) {
      // A null entry or one without a name (sent as {} or null) names no secret.
      presentSecrets.stream()
          .filter(Objects::nonNull)
          .map(LocalObjectReference::getName)
          .filter(Objects::nonNull)
          .forEach(secretNames::add);
    }
  }

  /** Containers whose image could be parsed, in pull order, as the earlier steps left them. */
  List<ContainerImage> containers() {
    return Collections.unmodifiableList(containers);
  }

  /** The containers the scope allows a step to change (see {@link MutationScope}). */
  List<ContainerImage> rewritableContainers() {
    return containers.stream().filter(c -> c.rewritable).toList();
  }

  /**
   * Adds a pull secret the pod does not have yet; one it has is not added again, and none where the
   * pass may not change the whole pod (imagePullSecrets is immutable on the ephemeralcontainers
   * subresource).
   */
  void addSecret(String name) {
    if (wholePod && secretNames.add(name)) {
      secretsAdded.add(name);
    }
  }

  void warn(PodContainer container, String warning) {
    warnings.add(container.describe() + ": " + warning);
  }

  /**
   * The pass's changes and one operation per changed field: containers in pull order (image, then
   * policy), then secrets, then the {@link Explanation} of them all.
   */
  Mutation mutation(ObjectMeta metadata, RuleMatch match) {
    List<Change> changes = new ArrayList<>();
    List<PatchOperation> ops = new ArrayList<>();
    for (ContainerImage c : containers) {
      if (c.why != null) {
        changes.add(new ImageRewritten(c.container, c.container.image(), c.image, c.why));
        ops.add(PatchOperation.add(c.container.pointer("image"), c.image.toString()));
      }
      if (!Objects.equals(c.pullPolicy, c.container.imagePullPolicy())) {
        changes.add(new PullPolicySet(c.container, c.container.imagePullPolicy(), c.pullPolicy));
        ops.add(PatchOperation.add(c.container.pointer("imagePullPolicy"), c.pullPolicy));
      }
    }
    secretsAdded.forEach(name -> changes.add(new SecretInjected(name)));
    // An absent list and an empty one look alike once decoded; "add" of the whole member is right
    // for both (it creates the member or replaces []). "/-" appends only where entries exist.
    if (!secretsAdded.isEmpty() && (presentSecrets == null || presentSecrets.isEmpty())) {
      ops.add(
          PatchOperation.add(
              PULL_SECRETS, secretsAdded.stream().map(PendingPatch::entry).toList()));
    } else {
      secretsAdded.forEach(s -> ops.add(PatchOperation.add(APPEND, entry(s))));
    }
    // Metadata is immutable on the ephemeralcontainers subresource; the audit log explains those.
    // A pass that only skipped mirrors changed nothing, and writes nothing: no patch of its own.
    if (!changes.isEmpty() && wholePod) {
      List<PodContainer> mirrorsSkipped =
          containers.stream().filter(c -> c.mirrorSkipped).map(c -> c.container).toList();
      ops.add(Explanation.annotate(metadata, match, changes, mirrorsSkipped));
    }
    return new Mutation(match.rule().name(), ops, changes, warnings, secretNames);
  }

  private static Map<String, String> entry(String secret) {
    return Map.of("name", secret);
  }
}
