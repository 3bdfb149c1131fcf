package dev.pullsecret.webhook.recovery;

import dev.pullsecret.webhook.delivery.SyncAssembly;
import dev.pullsecret.webhook.delivery.SyncProperties;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.RulesStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.BeanRegistrar;
import org.springframework.beans.factory.BeanRegistry;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Wires recovery when {@code webhook.recovery.mode} is not {@code off} and delivery runs (recovery
 * is the sync loop leader's work and reads its caches). A runtime switch, so a {@link
 * BeanRegistrar} as for delivery (docs/development.md, "Where a new part goes").
 */
@Configuration(proxyBeanMethods = false)
@Import(RecoveryConfiguration.Beans.class)
class RecoveryConfiguration {

  static final class Beans implements BeanRegistrar {

    @Override
    public void register(BeanRegistry registry, Environment environment) {
      Binder binder = Binder.get(environment);
      SyncProperties sync = binder.bindOrCreate("webhook.sync", SyncProperties.class);
      RecoveryProperties recovery =
          binder.bindOrCreate("webhook.recovery", RecoveryProperties.class);
      if (!sync.enabled() || recovery.mode() == RecoveryProperties.Mode.OFF) {
        return;
      }
      // Closed with the context (AutoCloseable).
      registry.registerBean(
          "podRecovery",
          PodRecovery.class,
          spec ->
              spec.supplier(
                  context -> {
                    SyncAssembly delivery = context.bean(SyncAssembly.class);
                    RulesStore rules = context.bean(RulesStore.class);
                    SyncProperties settings = context.bean(SyncProperties.class);
                    return new PodRecovery(
                            new PodRecovery.Cluster(
                                context.bean(KubernetesClient.class),
                                () -> rules.get().rules(),
                                context.bean(NamespaceScope.class),
                                delivery.labels(),
                                delivery::hasCopy,
                                delivery::isLeader,
                                delivery.events()),
                            context.bean(RecoveryProperties.class),
                            settings.retryBaseDelay(),
                            settings.retryMaxDelay(),
                            context.bean(MeterRegistry.class))
                        .start();
                  }));
    }
  }
}
