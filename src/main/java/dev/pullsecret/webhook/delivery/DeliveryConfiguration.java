package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.admission.SecretPresence;
import dev.pullsecret.webhook.registry.RegistryCredentials;
import dev.pullsecret.webhook.rules.RulesReloader;
import dev.pullsecret.webhook.rules.RulesStore;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires delivery when {@code webhook.sync.enabled=true}; otherwise none of these beans exists, no
 * Kubernetes client is created and admission answers {@link SecretPresence#UNKNOWN}. Nothing here
 * is on the readiness path: the webhook serves admission whether or not the API server answers.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "webhook.sync.enabled", havingValue = "true")
class DeliveryConfiguration {

  /**
   * The usual resolution: the pod's service-account token in a cluster, else KUBECONFIG or
   * ~/.kube/config. The transport is the JDK's own HttpClient (see the pom).
   */
  @Bean(destroyMethod = "close")
  KubernetesClient kubernetesClient() {
    // No retries inside the client: the work queue retries with its own back-off, and a client
    // retrying for a minute against an unreachable API server would also hold up shutdown.
    Config config =
        new ConfigBuilder(Config.autoConfigure(null)).withRequestRetryBackoffLimit(0).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  @Bean
  SyncAssembly syncAssembly(
      KubernetesClient client,
      RulesStore rules,
      SyncProperties settings,
      MeterRegistry registry,
      Clock clock) {
    return SyncAssembly.build(
        client,
        rules,
        settings,
        identity(settings),
        SourceCheck.CREDENTIALS,
        SecretWrites.of(client),
        registry,
        clock);
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  SecretSync secretSync(SyncAssembly assembly) {
    return assembly.sync();
  }

  @Bean
  SecretPresence secretPresence(SyncAssembly assembly) {
    return assembly.presence();
  }

  /**
   * Digest lookups (rules with resolveDigests) authenticate with the delivered pull secrets'
   * content, read from the source watches (docs/digests.md).
   */
  @Bean
  RegistryCredentials registryCredentials(
      SyncAssembly assembly, RulesStore rules, SyncProperties settings) {
    return new SourceCredentials(
            () -> rules.get().rules(), settings.namespace(), assembly.sync().caches()::source)
        .credentials();
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  @ConditionalOnExpression("'${webhook.sync.rules-config-map:}' != ''")
  RulesConfigMapWatch rulesConfigMapWatch(
      KubernetesClient client, SyncProperties settings, RulesReloader reloader) {
    return new RulesConfigMapWatch(
        client,
        settings.namespace(),
        settings.rulesConfigMap(),
        settings.rulesConfigMapKey(),
        reloader);
  }

  private static String identity(SyncProperties settings) {
    if (!settings.identity().isBlank()) {
      return settings.identity();
    }
    String host = System.getenv("HOSTNAME");
    return host != null && !host.isBlank() ? host : "pullsecret-webhook-" + UUID.randomUUID();
  }
}
