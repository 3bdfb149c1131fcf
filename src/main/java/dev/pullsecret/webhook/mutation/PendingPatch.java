package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.mutation.Change.PullPolicySet;
import dev.pullsecret.webhook.mutation.Change.SecretInjected;
import dev.pullsecret.webhook.patch.PatchOperation;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.core.JsonPointer;

/**
 * The pod as the earlier steps of a pass left it (what a {@link MutationStep} reads), and the
 * changes of the pass so far, merged per field (what a step records). Merging is what keeps steps
 * independent: when two steps rewrite one container's image (a pin, then a digest), the patch still
 * sets that image once, from the image as sent to the last step's result, with both reasons. Lives
 * for one pass on one thread.
 */
final class PendingPatch {

  /**
   * One container as the pass sees it.
   *
   * @param original the image as the pod was sent
   * @param rewritable whether the scope allows changing this container (see {@link MutationScope})
   * @param rewrite the rewrites of its image so far, merged into one; null when none
   * @param policy the pull policy set so far; null when none, or when set back to what it was
   */
  record ContainerImage(
      PodContainer container,
      ImageReference original,
      boolean rewritable,
      ImageRewritten rewrite,
      PullPolicySet policy) {

    /** The image after the earlier steps. */
    ImageReference image() {
      return rewrite == null ? original : rewrite.to();
    }

    /** The pull policy after the earlier steps (null when unset). */
    String pullPolicy() {
      return policy == null ? container.imagePullPolicy() : policy.to();
    }
  }

  private static final JsonPointer PULL_SECRETS =
      PatchOperation.pointer("spec", "imagePullSecrets");
  private static final JsonPointer APPEND = PULL_SECRETS.appendProperty("-");

  private final List<LocalObjectReference> presentSecrets;
  private final boolean wholePod;
  private final ContainerImage[] containers;
  private final Map<PodContainer, Integer> positions;
  private final Set<String> secretNames = new HashSet<>();
  private final List<SecretInjected> secretsAdded = new ArrayList<>();
  private final List<PodContainer> mirrorsSkipped = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  /** The containers of {@code spec} whose image {@code images} can parse, and its pull secrets. */
  PendingPatch(PodSpec spec, MutationScope scope, ParsedImages images) {
    List<ContainerImage> parsed = new ArrayList<>();
    for (PodContainer container : PodContainer.all(spec)) {
      ParsedImages.Parsed image = images.parse(container.image());
      if (image.reference() == null) {
        // Images that cannot be parsed are left alone and reported, never guessed at.
        warn(container, image.problem() + "; left unchanged");
        continue;
      }
      parsed.add(
          new ContainerImage(
              container, image.reference(), scope.mayRewrite(container), null, null));
    }
    this.containers = parsed.toArray(ContainerImage[]::new);
    this.positions = HashMap.newHashMap(containers.length);
    for (int i = 0; i < containers.length; i++) {
      positions.put(containers[i].container(), i);
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

  /**
   * Containers whose image could be parsed, in pull order, with what earlier steps made of them.
   */
  List<ContainerImage> containers() {
    return Collections.unmodifiableList(Arrays.asList(containers));
  }

  /** The containers the scope allows a step to change (see {@link MutationScope}). */
  List<ContainerImage> rewritableContainers() {
    return Arrays.stream(containers).filter(ContainerImage::rewritable).toList();
  }

  /** Names of the pull secrets the pod has, those added by earlier steps included. */
  Set<String> pullSecretNames() {
    return Collections.unmodifiableSet(secretNames);
  }

  /** Whether the pass may change the whole pod (secrets, metadata), not just new containers. */
  boolean wholePod() {
    return wholePod;
  }

  /** A change a step makes, in the order its operation should appear in the patch. */
  void record(Change change) {
    switch (change) {
      case ImageRewritten rewrite -> rewrite(rewrite);
      case PullPolicySet policy -> setPolicy(policy);
      case SecretInjected secret -> {
        if (secretNames.add(secret.secret())) {
          secretsAdded.add(secret);
        }
      }
    }
  }

  void warn(PodContainer container, String warning) {
    warnings.add(container.describe() + ": " + warning);
  }

  /**
   * A {@code when: present} mirror did not take the container's image (see {@link Explanation}).
   */
  void mirrorSkipped(PodContainer container) {
    mirrorsSkipped.add(container);
  }

  /** The warnings of the pass, in the order they were found. */
  List<String> warnings() {
    return List.copyOf(warnings);
  }

  private void rewrite(ImageRewritten rewrite) {
    int i = positionOf(rewrite.container());
    ContainerImage c = containers[i];
    ImageRewritten earlier = c.rewrite();
    ImageRewritten merged =
        earlier == null
            ? rewrite
            : new ImageRewritten(
                rewrite.container(),
                earlier.from(),
                rewrite.to(),
                earlier.why() + ", " + rewrite.why());
    containers[i] =
        new ContainerImage(c.container(), c.original(), c.rewritable(), merged, c.policy());
  }

  private void setPolicy(PullPolicySet policy) {
    int i = positionOf(policy.container());
    ContainerImage c = containers[i];
    String from = c.policy() == null ? policy.from() : c.policy().from();
    PullPolicySet merged =
        Objects.equals(from, policy.to())
            ? null
            : new PullPolicySet(policy.container(), from, policy.to());
    containers[i] =
        new ContainerImage(c.container(), c.original(), c.rewritable(), c.rewrite(), merged);
  }

  private int positionOf(PodContainer container) {
    Integer i = positions.get(container);
    if (i == null) {
      throw new IllegalArgumentException("a step changed a container the pass does not know");
    }
    return i;
  }

  /** The containers whose image a conditional mirror did not take, in container order. */
  List<PodContainer> mirrorsSkipped() {
    return List.copyOf(mirrorsSkipped);
  }

  /** Every change of the pass, in the order of {@link #operations()}. */
  List<Change> changes() {
    List<Change> all = new ArrayList<>();
    for (ContainerImage c : containers) {
      Stream.of(c.rewrite(), c.policy()).filter(Objects::nonNull).forEach(all::add);
    }
    all.addAll(secretsAdded);
    return all;
  }

  /** One operation per changed field: containers in pull order (image, then policy), secrets. */
  List<PatchOperation> operations() {
    List<PatchOperation> ops = new ArrayList<>();
    for (ContainerImage c : containers) {
      if (c.rewrite() != null) {
        ops.add(PatchOperation.add(c.container().pointer("image"), c.rewrite().to().toString()));
      }
      if (c.policy() != null) {
        ops.add(PatchOperation.add(c.container().pointer("imagePullPolicy"), c.policy().to()));
      }
    }
    if (secretsAdded.isEmpty()) {
      return ops;
    }
    // An absent list and an empty one look alike once decoded; "add" of the whole member is right
    // for both (it creates the member or replaces []). "/-" appends only where entries exist.
    if (presentSecrets == null || presentSecrets.isEmpty()) {
      ops.add(PatchOperation.add(PULL_SECRETS, secretsAdded.stream().map(this::entry).toList()));
    } else {
      secretsAdded.forEach(s -> ops.add(PatchOperation.add(APPEND, entry(s))));
    }
    return ops;
  }

  private Map<String, String> entry(SecretInjected secret) {
    return Map.of("name", secret.secret());
  }
}
