package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.mutation.Change.PullPolicySet;
import dev.pullsecret.webhook.mutation.Change.SecretInjected;
import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.rules.ImageOptions;
import dev.pullsecret.webhook.rules.ImageOptions.LatestPinning;
import dev.pullsecret.webhook.rules.ImageOptions.PullPolicyOverride;
import dev.pullsecret.webhook.rules.ImageOptions.RegistryMirror;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.RuleMatch;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One pass of a rule over one pod ({@link PodMutator}), its public methods called once each, in
 * order, on one thread. The steps change the pod in place, which becomes operations once, at the
 * end, one per field: an image rewritten by two steps (a pin, then a digest) is set once, from the
 * image as sent to the last step's result, with both reasons.
 */
public final class Pass {

  private static final String PULL_SECRETS = PatchOperation.pointer("spec", "imagePullSecrets");
  private static final String APPEND = PatchOperation.pointer("spec", "imagePullSecrets", "-");

  private final ObjectMeta metadata;
  private final RuleMatch match;
  private final ImageOptions options;
  private final List<LocalObjectReference> presentSecrets;
  private final boolean wholePod;

  /** Containers whose image could be parsed, in pull order. */
  final List<ContainerImage> containers = new ArrayList<>();

  /** Those the scope allows a step to change (see {@link MutationScope}). */
  final List<ContainerImage> rewritable = new ArrayList<>();

  private final Set<String> secretNames = new HashSet<>();
  private final List<String> secretsAdded = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  Pass(Pod pod, RuleMatch match, MutationScope scope, PodMutator mutator) {
    this.metadata = pod.getMetadata();
    this.match = match;
    this.options = match.rule().images();
    for (PodContainer container : PodContainer.all(pod.getSpec())) {
      PodMutator.Parsed image = mutator.parse(container.image());
      if (image.reference() == null) {
        // Images that cannot be parsed are left alone and reported, never guessed at.
        warn(container, image.problem() + "; left unchanged");
        continue;
      }
      var c = new ContainerImage(container, image.reference());
      containers.add(c);
      if (scope.mayRewrite(container)) {
        rewritable.add(c);
      }
    }
    this.presentSecrets = pod.getSpec().getImagePullSecrets();
    this.wholePod = scope.wholePod();
    if (presentSecrets != null) {
      // A null entry or one without a name (sent as {} or null) names no secret.
      presentSecrets.stream()
          .filter(Objects::nonNull)
          .map(LocalObjectReference::getName)
          .filter(Objects::nonNull)
          .forEach(secretNames::add);
    }
    pinLatest();
  }

  /**
   * The images to ask the rule's {@code when: present} mirrors about: each image in scope (as
   * pinned) at each conditional mirror it may go to, with that mirror.
   */
  public Map<ImageReference, RegistryMirror> mirrorCandidates() {
    return MirrorRewriter.candidates(this, options);
  }

  /**
   * Runs the mirror step with the answers for {@link #mirrorCandidates()} (given none, no image
   * goes to a conditional mirror, and the pass says so), then gives the images whose tags the rule
   * resolves: in scope, as pinned and mirrored, not pinned by digest, on the rule's registries.
   */
  public Set<ImageReference> digestCandidates(ResolvedDigests presence) {
    new MirrorRewriter(presence).apply(this, options);
    return rewritable.stream()
        .map(ContainerImage::image)
        .filter(options::resolvesDigestOf)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** Runs the remaining steps with the digests looked up, and writes every change once. */
  public Mutation finish(ResolvedDigests digests) {
    pinDigests(digests);
    decidePullPolicies();
    addPullSecrets();
    return mutation();
  }

  /**
   * Pins an untagged or {@code :latest} image to the tag the rule's {@code pinLatest} gives its
   * repository. Digest-pinned images are never retagged, and a pinned image carries a tag, so a
   * second pass changes nothing.
   */
  private void pinLatest() {
    Optional<LatestPinning> pinning = options.pinLatest();
    if (pinning.isEmpty()) {
      return;
    }
    for (ContainerImage c : rewritable) {
      ImageReference image = c.image();
      Optional<String> tag =
          image.isUntaggedOrLatest() ? pinning.get().tagFor(image) : Optional.empty();
      if (tag.isPresent()) {
        String why = image.hasTag() ? "pinned latest" : "pinned untagged image";
        c.rewrite(image.withTag(tag.get()), why + " to " + tag.get());
      }
    }
  }

  /**
   * Pins each image whose tag the rule resolves to the digest its registry served: {@code
   * repo:tag@sha256:...}, the tag for humans, the digest for the kubelet (which pulls by digest
   * when both are present). An image without one is left as it is, with a warning: its lookup
   * failed, or none was made (preview without --resolve, which cannot tell what the webhook would
   * do). Images pinned by digest are never looked up, so a second pass changes nothing.
   */
  private void pinDigests(ResolvedDigests digests) {
    for (ContainerImage c : rewritable) {
      ImageReference image = c.image();
      if (!options.resolvesDigestOf(image)) {
        continue;
      }
      Optional<String> digest = digests.digest(image);
      if (digest.isPresent()) {
        String tag = image.hasTag() ? image.tag() : ImageReference.LATEST;
        c.rewrite(
            new ImageReference(image.domain(), image.path(), image.tag(), digest.get()),
            "resolved " + tag + " to its digest");
      } else {
        warn(
            c.container,
            digests
                .failure(image)
                .map(why -> image + " not resolved to a digest (" + why + "); left as it is")
                .orElseGet(
                    () -> "digest of " + image + " not looked up (" + digests.notLookedUp() + ")"));
      }
    }
  }

  /**
   * Decides each container's {@code imagePullPolicy} for its image as rewritten. The API server
   * defaults the policy before mutating webhooks run: {@code Always} for untagged and {@code
   * :latest} images, {@code IfNotPresent} otherwise. When a rewrite changes which case an image is
   * in, that default is stale and is decided again, unless the rule sets the policy itself.
   */
  private void decidePullPolicies() {
    if (options.isNone()) {
      return;
    }
    for (ContainerImage c : rewritable) {
      if (options.imagePullPolicy().isPresent()) {
        PullPolicyOverride override = options.imagePullPolicy().get();
        if (!c.image().hasDigest() || override.includeDigestPinned()) {
          c.pullPolicy = override.policy();
        }
      } else if (c.original.isUntaggedOrLatest()
          && !c.image().isUntaggedOrLatest()
          && (c.pullPolicy == null || "Always".equals(c.pullPolicy))) {
        c.pullPolicy = "IfNotPresent";
      }
    }
  }

  /**
   * Adds the rule's pull secrets that the images as rewritten need and the pod lacks: never twice,
   * so a second pass adds nothing (re-invocation safe); none where the pass may not change the
   * whole pod (imagePullSecrets is immutable on the ephemeralcontainers subresource).
   */
  private void addPullSecrets() {
    List<ImageReference> images = containers.stream().map(ContainerImage::image).toList();
    for (PullSecret secret : match.rule().pullSecrets()) {
      if (wholePod && secret.servesAnyOf(images) && secretNames.add(secret.name())) {
        secretsAdded.add(secret.name());
      }
    }
  }

  void warn(PodContainer container, String warning) {
    warnings.add(container.describe() + ": " + warning);
  }

  /**
   * The pass's changes and one operation per changed field: containers in pull order (image, then
   * policy), then secrets, then the {@link Explanation} of them all.
   */
  private Mutation mutation() {
    List<Change> changes = new ArrayList<>();
    List<PatchOperation> ops = new ArrayList<>();
    for (ContainerImage c : containers) {
      if (c.why != null) {
        changes.add(new ImageRewritten(c.container, c.image(), c.why));
        ops.add(PatchOperation.add(c.container.pointer("image"), c.image().toString()));
      }
      if (c.pullPolicyChanged()) {
        changes.add(new PullPolicySet(c.container, c.pullPolicy));
        ops.add(PatchOperation.add(c.container.pointer("imagePullPolicy"), c.pullPolicy));
      }
    }
    secretsAdded.forEach(name -> changes.add(new SecretInjected(name)));
    // An absent list and an empty one look alike once decoded; "add" of the whole member is right
    // for both (it creates the member or replaces []). "/-" appends only where entries exist.
    if (!secretsAdded.isEmpty() && (presentSecrets == null || presentSecrets.isEmpty())) {
      ops.add(
          PatchOperation.add(
              PULL_SECRETS, secretsAdded.stream().map(s -> Map.of("name", s)).toList()));
    } else {
      secretsAdded.forEach(s -> ops.add(PatchOperation.add(APPEND, Map.of("name", s))));
    }
    // Metadata is immutable on the ephemeralcontainers subresource; the audit log explains those.
    // A pass that only skipped mirrors changed nothing, and writes nothing.
    if (!changes.isEmpty() && wholePod) {
      Explanation.annotate(metadata, match, containers, secretsAdded)
          .ifPresentOrElse(ops::add, () -> warnings.add(Explanation.LEFT_OUT));
    }
    return new Mutation(match.rule().name(), ops, changes, warnings, secretNames);
  }
}
