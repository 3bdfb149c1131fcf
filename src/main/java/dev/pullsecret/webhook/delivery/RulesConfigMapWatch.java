package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.RulesStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the one rules ConfigMap through the API (RBAC: that name only) and offers its content to
 * the {@link RulesStore} bean, which validates it and keeps the last good rules exactly as for the
 * file. An edit applies in about a second; the mounted file, which the kubelet refreshes only every
 * 60–90 s, stays the fallback for when the API server cannot be reached.
 */
final class RulesConfigMapWatch implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RulesConfigMapWatch.class);

  private final SharedIndexInformer<ConfigMap> informer;

  RulesConfigMapWatch(
      KubernetesClient client, String namespace, String name, String key, RulesStore reloader) {
    String source = "configmap " + namespace + "/" + name + " key " + key;
    this.informer = client.configMaps().inNamespace(namespace).withName(name).runnableInformer(0);
    informer.addEventHandler(
        Informers.onAnyChange(
            configMap -> {
              String text = configMap.getData() == null ? null : configMap.getData().get(key);
              if (text == null) {
                log.warn("{} has no rules; keeping the rules in force", source);
                return;
              }
              reloader.offer(text.getBytes(StandardCharsets.UTF_8), source);
            }));
    reloader.apiSourceLive(this::isLive);
  }

  boolean isLive() {
    return informer.isWatching() && informer.hasSynced();
  }

  RulesConfigMapWatch start() {
    Informers.start(informer, "the rules ConfigMap");
    return this;
  }

  @Override
  public void close() {
    informer.close();
  }
}
