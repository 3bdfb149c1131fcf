package dev.pullsecret.webhook.recovery;

import dev.pullsecret.webhook.mutation.Explanation;
import dev.pullsecret.webhook.rules.NamespaceScope.OptOutLabel;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The pending-pod informer's store, holding a {@link PendingPod} per pod instead of the pod: a
 * pod's spec and status may be large and there may be thousands pending after an outage. The
 * informer reads back a pod carrying its namespace and name only.
 */
final class PendingPodStore implements ItemStore<Pod> {

  private final Optional<OptOutLabel> optOut;
  private final Map<String, PendingPod> pods = new ConcurrentHashMap<>();

  PendingPodStore(Optional<OptOutLabel> optOut) {
    this.optOut = optOut;
  }

  @Override
  public String getKey(Pod pod) {
    return Cache.metaNamespaceKeyFunc(pod);
  }

  @Override
  public Pod put(String key, Pod pod) {
    return asPod(pods.put(key, PendingPod.of(pod, optOut, Explanation.ANNOTATION)));
  }

  @Override
  public Pod remove(String key) {
    return asPod(pods.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return pods.keySet().stream();
  }

  @Override
  public Stream<Pod> values() {
    return pods.values().stream().map(PendingPodStore::asPod);
  }

  @Override
  public int size() {
    return pods.size();
  }

  @Override
  public Pod get(String key) {
    return asPod(pods.get(key));
  }

  @Override
  public boolean isFullState() {
    return false;
  }

  /** What is kept of the pod under {@code key} ({@code namespace/name}), or null. */
  PendingPod pending(String key) {
    return pods.get(key);
  }

  private static Pod asPod(PendingPod pod) {
    if (pod == null) {
      return null;
    }
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(pod.namespace())
        .withName(pod.name())
        .withUid(pod.uid())
        .endMetadata()
        .build();
  }
}
