package dev.pullsecret.webhook.recovery;

import dev.pullsecret.webhook.delivery.SyncEvents.Regarding;
import dev.pullsecret.webhook.mutation.Explanation;
import dev.pullsecret.webhook.mutation.PodMutator;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.text.Text;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What recovery keeps of a pending pod: enough to decide, never its spec. A pod's containers are
 * whatever its author wrote, so only the images that fail to pull are kept, at most {@link
 * #MAX_IMAGES} of at most {@link #MAX_IMAGE_CHARS} characters each, and, for those, the pull
 * secrets' names that can name a Secret: 10,000 pending pods cost a few MiB.
 *
 * @param controller the kind and name of the pod's controller ({@code ReplicaSet/web-5d9}), or null
 *     for a bare pod
 * @param optedOut the pod carries the opt-out label
 * @param pullSecrets the names of the pod's {@code imagePullSecrets}
 * @param failingImages the images of containers waiting in {@code ErrImagePull} or {@code
 *     ImagePullBackOff}; none for a mirror pod or a pod being deleted, which are never judged
 * @param explained the pod carries the webhook's explanation annotation (its admission was seen)
 * @param created when the API server created it (to the second), or null
 */
record PendingPod(
    String namespace,
    String name,
    String uid,
    String controller,
    boolean optedOut,
    Set<String> pullSecrets,
    List<String> failingImages,
    boolean explained,
    Instant created) {

  static final int MAX_IMAGES = 32;
  static final int MAX_IMAGE_CHARS = 512;
  static final int MAX_PULL_SECRETS = 64;

  /** A kind (63) and a name (253) as the API server makes them, and the slash. */
  static final int MAX_CONTROLLER_CHARS = 317;

  /** A Secret's name is a DNS subdomain: 253 characters at most. */
  static final int MAX_SECRET_NAME_CHARS = 253;

  /** The waiting reasons of a container that cannot pull its image. */
  static final Set<String> PULL_FAILURES = Set.of("ErrImagePull", "ImagePullBackOff");

  PendingPod {
    pullSecrets = Set.copyOf(pullSecrets);
    failingImages = List.copyOf(failingImages);
  }

  static PendingPod of(Pod pod, NamespaceScope scope) {
    var metadata = pod.getMetadata();
    var annotations = Objects.requireNonNullElse(metadata.getAnnotations(), Map.of());
    // A mirror pod is never changed by admission; a pod being deleted goes whatever is done.
    List<String> failing =
        annotations.containsKey(PodMutator.MIRROR_POD_ANNOTATION)
                || metadata.getDeletionTimestamp() != null
            ? List.of()
            : failingImages(pod);
    // Read only for a pod failing to pull: a tenant's thousands of pods that never get a node
    // (an impossible nodeSelector) keep no names, 16 KB each at most otherwise.
    Set<String> secrets = failing.isEmpty() ? Set.of() : pullSecrets(pod);
    if (secrets == null) {
      // More names than are kept: the one it lacks may be among the others, so it may lack none
      // (a wrong image behind 64 made-up names would be evicted again and again).
      failing = List.of();
      secrets = Set.of();
    }
    return new PendingPod(
        metadata.getNamespace(),
        metadata.getName(),
        metadata.getUid(),
        controller(pod),
        !PendingPodFields.whole(metadata.getLabels())
            || scope.optedOut(
                NamespaceLabels.of(Objects.requireNonNullElse(metadata.getLabels(), Map.of()))),
        secrets,
        failing,
        annotations.containsKey(Explanation.ANNOTATION),
        created(metadata.getCreationTimestamp()));
  }

  private static Instant created(String timestamp) {
    try {
      return timestamp == null ? null : Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * Its eviction, of this very pod only: not of one made since under its name (a StatefulSet's).
   */
  Eviction eviction() {
    return new EvictionBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withDeleteOptions(
            new DeleteOptionsBuilder()
                .withNewPreconditions()
                .withUid(uid)
                .endPreconditions()
                .build())
        .build();
  }

  /**
   * Whether a refusal of its eviction says that its namespace is being deleted (a 403 of the
   * namespace's lifecycle, which refuses every create there): the pod goes with it, and the
   * webhook's RBAC is not at fault.
   */
  static boolean goesWithItsNamespace(KubernetesClientException refusal) {
    var status = refusal.getCode() == 403 ? refusal.getStatus() : null;
    var details = status == null ? null : status.getDetails();
    return details != null
        && details.getCauses().stream().anyMatch(c -> "NamespaceTerminating".equals(c.getReason()));
  }

  /** The pod, as its Events name it. */
  Regarding regarding() {
    return new Regarding("Pod", namespace, name);
  }

  String key() {
    return namespace + "/" + name;
  }

  private static String controller(Pod pod) {
    return stream(pod.getMetadata().getOwnerReferences())
        .filter(o -> Boolean.TRUE.equals(o.getController()))
        // Neither is checked by the API server (a 500,000-character name is stored): kept as one
        // bounded line, as it is logged and shown.
        .map(o -> Text.line(o.getKind() + "/" + o.getName(), MAX_CONTROLLER_CHARS))
        .findFirst()
        .orElse(null);
  }

  /** The names, or null when the pod has more than are kept. */
  private static Set<String> pullSecrets(Pod pod) {
    if (pod.getSpec() == null) {
      return Set.of();
    }
    if (!PendingPodFields.whole(pod.getSpec().getImagePullSecrets())) {
      return null;
    }
    Set<String> names =
        stream(pod.getSpec().getImagePullSecrets())
            .filter(secret -> secret != null && secret.getName() != null)
            .map(LocalObjectReference::getName)
            // The API server does not check these names; one longer than a Secret's names none.
            .filter(name -> name.length() <= MAX_SECRET_NAME_CHARS)
            .distinct()
            .limit(MAX_PULL_SECRETS + 1)
            .collect(Collectors.toSet());
    return names.size() > MAX_PULL_SECRETS ? null : names;
  }

  /** The spec's image of each container whose status waits for a pull that fails. */
  private static List<String> failingImages(Pod pod) {
    if (pod.getSpec() == null || pod.getStatus() == null) {
      return List.of();
    }
    Map<String, String> imageByName = new HashMap<>();
    Stream.concat(stream(pod.getSpec().getInitContainers()), stream(pod.getSpec().getContainers()))
        .filter(c -> c != null && c.getName() != null && c.getImage() != null)
        .forEach(c -> imageByName.putIfAbsent(c.getName(), c.getImage()));
    return Stream.concat(
            stream(pod.getStatus().getInitContainerStatuses()),
            stream(pod.getStatus().getContainerStatuses()))
        .filter(status -> status != null && waitsForAFailingPull(status))
        .map(status -> imageByName.get(status.getName()))
        .filter(image -> image != null && image.length() <= MAX_IMAGE_CHARS)
        .distinct()
        .limit(MAX_IMAGES)
        .toList();
  }

  private static boolean waitsForAFailingPull(ContainerStatus status) {
    return status.getState() != null
        && status.getState().getWaiting() != null
        && PULL_FAILURES.contains(status.getState().getWaiting().getReason());
  }

  private static <T> Stream<T> stream(List<T> list) {
    return list == null ? Stream.empty() : list.stream();
  }
}
