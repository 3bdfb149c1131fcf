package dev.pullsecret.webhook.recovery;

import dev.pullsecret.webhook.delivery.SecretSync;
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
 * Wires recovery when {@code webhook.recovery.mode} is not {@code off} and delivery runs ({@link
 * RecoveryProperties}): a runtime switch, so a {@link BeanRegistrar} as for delivery
 * (docs/development.md, "Where a new part goes").
 */
@Configuration(proxyBeanMethods = false)
@Import(RecoveryConfiguration.Beans.class)
class RecoveryConfiguration {

  static final class Beans implements BeanRegistrar {

    @Override
    public void register(BeanRegistry registry, Environment environment) {
      Binder binder = Binder.get(environment);
      boolean delivers = binder.bindOrCreate(SyncProperties.PREFIX, SyncProperties.class).enabled();
      var mode = binder.bindOrCreate("webhook.recovery", RecoveryProperties.class).mode();
      if (delivers && mode != RecoveryProperties.Mode.OFF) {
        // Closed with the context (AutoCloseable).
        registry.registerBean(
            "podRecovery",
            PodRecovery.class,
            spec ->
                spec.supplier(
                    context ->
                        new PodRecovery(
                                context.bean(KubernetesClient.class),
                                context.bean(RulesStore.class),
                                context.bean(NamespaceScope.class),
                                context.bean(SecretSync.class),
                                context.bean(RecoveryProperties.class),
                                context.bean(SyncProperties.class),
                                context.bean(MeterRegistry.class))
                            .start()));
      }
    }
  }
}
