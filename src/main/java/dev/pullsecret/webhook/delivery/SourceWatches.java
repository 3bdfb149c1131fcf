package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One informer per source Secret named by the rules, each on that one name (a field selector): no
 * other Secret of the source namespace is listed or cached. Started and stopped as rules change.
 */
final class SourceWatches implements AutoCloseable {

  private final KubernetesClient client;
  private final Consumer<SecretSource> changed;
  private final WatchAccess<SecretSource> access;
  private final Map<SecretSource, SharedIndexInformer<Secret>> informers = new HashMap<>();

  /**
   * @param changed told a source that was created, changed or deleted, or that the webhook became
   *     allowed or forbidden to read
   */
  SourceWatches(KubernetesClient client, Consumer<SecretSource> changed) {
    this.client = client;
    this.changed = changed;
    this.access = new WatchAccess<>(changed);
  }

  /** Watches exactly {@code sources}. */
  synchronized void watch(Set<SecretSource> sources) {
    informers
        .entrySet()
        .removeIf(
            e -> {
              if (sources.contains(e.getKey())) {
                return false;
              }
              e.getValue().close();
              access.forget(e.getKey());
              return true;
            });
    for (SecretSource source : sources) {
      informers.computeIfAbsent(source, this::inform);
    }
  }

  private SharedIndexInformer<Secret> inform(SecretSource source) {
    var informer =
        client
            .secrets()
            .inNamespace(source.namespace())
            .withName(source.name())
            .runnableInformer(0);
    informer.addEventHandler(
        Informers.onAnyChange(
            secret -> {
              access.allowed(source);
              changed.accept(source);
            }));
    informer.exceptionHandler(access.handler(source, "source Secret " + source));
    informer.start().thenRun(() -> access.allowed(source));
    return informer;
  }

  /** The source as last seen; empty when it does not exist (or is not watched). */
  synchronized Optional<Secret> get(SecretSource source) {
    var informer = informers.get(source);
    if (informer == null) {
      return Optional.empty();
    }
    return informer.getStore().list().stream().findFirst();
  }

  /** Whether the webhook may not read {@code source} (its RBAC does not cover it). */
  boolean isForbidden(SecretSource source) {
    return access.isForbidden(source);
  }

  /** Every source the webhook may read has been listed once. */
  synchronized boolean hasSynced() {
    return informers.entrySet().stream()
        .allMatch(e -> access.isForbidden(e.getKey()) || e.getValue().hasSynced());
  }

  @Override
  public synchronized void close() {
    informers.values().forEach(SharedIndexInformer::close);
    informers.clear();
  }
}
