package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.mutation.Change.PullPolicySet;
import dev.pullsecret.webhook.mutation.Change.SecretInjected;
import dev.pullsecret.webhook.patch.PatchOperation;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JsonPointer;

/**
 * The changes of one pass so far, merged per field, and the pod they imply (the {@link PodView} the
 * next step reads). Merging is what keeps steps independent: when two steps rewrite one container's
 * image (a pin, then a digest), the patch still sets that image once, from the image as sent to the
 * last step's result, with both reasons. Lives for one pass on one thread.
 */
final class PendingPatch implements PodView {

  private static final JsonPointer PULL_SECRETS =
      PatchOperation.pointer("spec", "imagePullSecrets");
  private static final JsonPointer APPEND = PULL_SECRETS.appendProperty("-");

  private final List<LocalObjectReference> presentSecrets;
  private final boolean wholePod;
  private ResolvedDigests digests = ResolvedDigests.NONE;
  private ResolvedDigests mirrorPresence = ResolvedDigests.NONE;
  private final ContainerImage[] containers;
  private final Map<PodContainer, Integer> positions;
  private final ImageRewritten[] rewrites;
  private final PullPolicySet[] policies;
  private final Set<String> secretNames = new HashSet<>();
  private final List<SecretInjected> secretsAdded = new ArrayList<>();
  private final List<PodContainer> mirrorsSkipped = new ArrayList<>();

  PendingPatch(
      List<ContainerImage> containers,
      List<LocalObjectReference> presentSecrets,
      boolean wholePod) {
    this.containers = containers.toArray(ContainerImage[]::new);
    this.positions = HashMap.newHashMap(this.containers.length);
    for (int i = 0; i < this.containers.length; i++) {
      positions.put(this.containers[i].container(), i);
    }
    this.rewrites = new ImageRewritten[this.containers.length];
    this.policies = new PullPolicySet[this.containers.length];
    this.presentSecrets = presentSecrets;
    this.wholePod = wholePod;
    if (presentSecrets != null) {
      // A null entry or one without a name (sent as {} or null) names no secret.
      presentSecrets.stream()
          .filter(Objects::nonNull)
          .map(LocalObjectReference::getName)
          .filter(Objects::nonNull)
          .forEach(secretNames::add);
    }
  }

  @Override
  public List<ContainerImage> containers() {
    return Collections.unmodifiableList(Arrays.asList(containers));
  }

  @Override
  public Set<String> pullSecretNames() {
    return Collections.unmodifiableSet(secretNames);
  }

  @Override
  public boolean wholePod() {
    return wholePod;
  }

  @Override
  public ResolvedDigests digests() {
    return digests;
  }

  @Override
  public ResolvedDigests mirrorPresence() {
    return mirrorPresence;
  }

  /** The digests looked up between the steps before digest pinning and the rest. */
  void useDigests(ResolvedDigests digests) {
    this.digests = digests;
  }

  /** What the conditional mirrors answered, looked up before the mirror step. */
  void useMirrorPresence(ResolvedDigests presence) {
    this.mirrorPresence = presence;
  }

  void record(StepResult result) {
    mirrorsSkipped.addAll(result.mirrorsSkipped());
    record(result.changes());
  }

  void record(List<Change> changes) {
    for (Change change : changes) {
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
  }

  private void rewrite(ImageRewritten rewrite) {
    int i = positionOf(rewrite.container());
    ImageRewritten earlier = rewrites[i];
    rewrites[i] =
        earlier == null
            ? rewrite
            : new ImageRewritten(
                rewrite.container(),
                earlier.from(),
                rewrite.to(),
                earlier.why() + ", " + rewrite.why());
    ContainerImage c = containers[i];
    containers[i] =
        new ContainerImage(
            c.container(), c.original(), rewrite.to(), c.pullPolicy(), c.rewritable());
  }

  private void setPolicy(PullPolicySet policy) {
    int i = positionOf(policy.container());
    String from = policies[i] == null ? policy.from() : policies[i].from();
    policies[i] =
        Objects.equals(from, policy.to())
            ? null
            : new PullPolicySet(policy.container(), from, policy.to());
    ContainerImage c = containers[i];
    containers[i] =
        new ContainerImage(c.container(), c.original(), c.image(), policy.to(), c.rewritable());
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
    for (int i = 0; i < containers.length; i++) {
      addIfPresent(all, rewrites[i]);
      addIfPresent(all, policies[i]);
    }
    all.addAll(secretsAdded);
    return all;
  }

  /** One operation per changed field: containers in pull order (image, then policy), secrets. */
  List<PatchOperation> operations() {
    List<PatchOperation> ops = new ArrayList<>();
    for (int i = 0; i < containers.length; i++) {
      if (rewrites[i] != null) {
        ops.add(
            PatchOperation.add(
                rewrites[i].container().pointer("image"), rewrites[i].to().toString()));
      }
      if (policies[i] != null) {
        ops.add(
            PatchOperation.add(
                policies[i].container().pointer("imagePullPolicy"), policies[i].to()));
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

  private static void addIfPresent(List<Change> all, Change change) {
    if (change != null) {
      all.add(change);
    }
  }
}
