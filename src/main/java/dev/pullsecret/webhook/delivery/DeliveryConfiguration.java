package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.admission.NamespaceLabelSource;
import dev.pullsecret.webhook.admission.SecretPresence;
import dev.pullsecret.webhook.registry.RegistryCredentials;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.RulesReloader;
import dev.pullsecret.webhook.rules.RulesStore;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.model.jackson.Jackson2JdkTypesModule;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.BeanRegistrar;
import org.springframework.beans.factory.BeanRegistry;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires delivery when {@code webhook.sync.enabled=true}; otherwise none of these beans exists, no
 * Kubernetes client is created and admission answers {@link SecretPresence#UNKNOWN}. Nothing here
 * is on the readiness path: the webhook serves admission whether or not the API server answers.
 *
 * <p>The beans are registered by a {@link BeanRegistrar}, not by {@code @Conditional} bean methods:
 * the image runs on the wiring Spring's AOT processing generated at build time, which fixes
 * conditions with the build's properties, whereas a registrar runs at start-up and reads the
 * switches from the environment the pod is given (DeliveryWiringIT, AotWiringIT).
 */
@Configuration(proxyBeanMethods = false)
@Import(DeliveryConfiguration.Beans.class)
class DeliveryConfiguration {

  static final class Beans implements BeanRegistrar {

    @Override
    public void register(BeanRegistry registry, Environment environment) {
      SyncProperties settings =
          Binder.get(environment).bindOrCreate("webhook.sync", SyncProperties.class);
      if (!settings.enabled()) {
        return;
      }
      // Closed when the context closes: beans that are AutoCloseable need no destroy method.
      registry.registerBean(
          "kubernetesClient",
          KubernetesClient.class,
          spec -> spec.supplier(context -> kubernetesClient()));
      registry.registerBean(
          "syncAssembly",
          SyncAssembly.class,
          spec ->
              spec.supplier(
                  context ->
                      SyncAssembly.build(
                          context.bean(KubernetesClient.class),
                          context.bean(RulesStore.class),
                          context.bean(NamespaceScope.class),
                          context.bean(SyncProperties.class),
                          SecretWrites.of(context.bean(KubernetesClient.class)),
                          context.bean(MeterRegistry.class),
                          context.bean(Clock.class))));
      registry.registerBean(
          "secretSync",
          SecretSync.class,
          spec -> spec.supplier(context -> started(context.bean(SyncAssembly.class).sync())));
      registry.registerBean(
          "secretPresence",
          SecretPresence.class,
          spec -> spec.supplier(context -> context.bean(SyncAssembly.class).presence()));
      // Closed with the context (AutoCloseable): its reads of namespaces on a miss.
      registry.registerBean(
          "namespaceLabelSource",
          NamespaceLabelSource.class,
          spec -> spec.supplier(context -> context.bean(SyncAssembly.class).namespaceLabels()));
      // Digest lookups (rules with resolveDigests) authenticate with the delivered pull secrets'
      // content, read from the source watches (docs/digests.md).
      registry.registerBean(
          "registryCredentials",
          RegistryCredentials.class,
          spec ->
              spec.supplier(
                  context -> {
                    RulesStore rules = context.bean(RulesStore.class);
                    return new SourceCredentials(
                            () -> rules.get().rules(),
                            context.bean(SyncProperties.class).namespace(),
                            context.bean(SyncAssembly.class).sync().caches()::source)
                        .credentials();
                  }));
      if (!settings.rulesConfigMap().isBlank()) {
        registry.registerBean(
            "rulesConfigMapWatch",
            RulesConfigMapWatch.class,
            spec ->
                spec.supplier(
                    context -> {
                      SyncProperties bound = context.bean(SyncProperties.class);
                      return new RulesConfigMapWatch(
                              context.bean(KubernetesClient.class),
                              bound.namespace(),
                              bound.rulesConfigMap(),
                              bound.rulesConfigMapKey(),
                              context.bean(RulesReloader.class))
                          .start();
                    }));
      }
    }

    private static SecretSync started(SecretSync sync) {
      sync.start();
      return sync;
    }
  }

  /**
   * The usual resolution: the pod's service-account token in a cluster, else KUBECONFIG or
   * ~/.kube/config. The transport is the JDK's own HttpClient (see the pom).
   */
  static KubernetesClient kubernetesClient() {
    // No retries inside the client: the work queue retries with its own back-off, and a client
    // retrying for a minute against an unreachable API server would also hold up shutdown.
    Config config =
        new ConfigBuilder(Config.autoConfigure(null)).withRequestRetryBackoffLimit(0).build();
    // Without scanning the class path for every KubernetesResource (searchClassloaders=false):
    // the scan loads all the model classes of every API group on it, ~650, where the typed
    // operations of the sync loop read their own types and watch events are converted to them.
    var serialization =
        new KubernetesSerialization(
            JsonMapper.builderWithJackson2Defaults()
                .addModule(new Jackson2JdkTypesModule())
                .build(),
            false);
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withKubernetesSerialization(serialization)
        .build();
  }
}
