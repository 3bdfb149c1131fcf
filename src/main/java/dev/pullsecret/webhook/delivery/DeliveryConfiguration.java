package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.admission.NamespaceLabelSource;
import dev.pullsecret.webhook.admission.SecretPresence;
import dev.pullsecret.webhook.providers.CredentialProvider;
import dev.pullsecret.webhook.providers.CredentialProviderProperties;
import dev.pullsecret.webhook.providers.CredentialProviders;
import dev.pullsecret.webhook.registry.RegistryCredentials;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.RulesStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.function.Consumer;
import org.springframework.beans.factory.BeanRegistrar;
import org.springframework.beans.factory.BeanRegistry;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Wires delivery when {@code webhook.sync.enabled=true}; otherwise none of these beans exists, no
 * Kubernetes client is created, the webhook only adds references and admission answers {@link
 * SecretPresence#UNKNOWN}. Nothing here is on the readiness path: the webhook serves admission
 * whether or not the API server answers.
 *
 * <p>Credential providers (docs/short-lived-credentials.md, {@link ProviderRenewals}) are wired
 * when {@code webhook.credential-providers.config} is set: a configuration that cannot work stops
 * the start-up, every error located. Without the property no plugin ever runs.
 *
 * <p>The beans are registered by a {@link BeanRegistrar}, which reads the switches at start-up
 * rather than at the image's build (docs/development.md, "Where a new part goes"; DeliveryWiringIT,
 * AotWiringIT).
 */
@Configuration(proxyBeanMethods = false)
@Import(DeliveryConfiguration.Beans.class)
class DeliveryConfiguration {

  static final class Beans implements BeanRegistrar {

    @Override
    public void register(BeanRegistry registry, Environment environment) {
      Binder binder = Binder.get(environment);
      SyncProperties settings = binder.bindOrCreate(SyncProperties.PREFIX, SyncProperties.class);
      CredentialProviderProperties providers =
          binder.bindOrCreate(
              CredentialProviderProperties.PREFIX, CredentialProviderProperties.class);
      if (providers.enabled()) {
        registerProviders(registry, settings, providers);
      }
      if (!settings.enabled()) {
        return;
      }
      // Closed when the context closes: beans that are AutoCloseable need no destroy method.
      registry.registerBean(
          "kubernetesClient",
          KubernetesClient.class,
          spec -> spec.supplier(context -> kubernetesClient()));
      registry.registerBean(
          "secretSync",
          SecretSync.class,
          spec ->
              spec.supplier(
                  context ->
                      new SecretSync(
                              context.bean(KubernetesClient.class),
                              context.bean(RulesStore.class),
                              context.bean(NamespaceScope.class),
                              context.bean(SyncProperties.class),
                              context.bean(MeterRegistry.class),
                              context.bean(Clock.class))
                          .start()));
      registry.registerBean(
          "namespaceLabelSource",
          NamespaceLabelSource.class,
          spec -> spec.supplier(context -> context.bean(SecretSync.class).labels()));
      // Digest lookups (rules with resolveDigests) authenticate with the delivered pull secrets.
      registry.registerBean(
          "registryCredentials",
          RegistryCredentials.class,
          spec -> spec.supplier(context -> context.bean(SecretSync.class).credentials()));
      if (!settings.rulesConfigMap().isBlank()) {
        registry.registerBean(
            "rulesConfigMapWatch",
            SharedIndexInformer.class,
            spec ->
                spec.supplier(
                    context ->
                        watchRules(
                            context.bean(KubernetesClient.class),
                            settings.namespace(),
                            settings.rulesConfigMap(),
                            settings.rulesConfigMapKey(),
                            context.bean(RulesStore.class))));
      }
    }

    private static void registerProviders(
        BeanRegistry registry, SyncProperties delivery, CredentialProviderProperties settings) {
      if (!delivery.enabled()) {
        throw new IllegalStateException(
            "webhook.credential-providers.config needs webhook.sync.enabled=true: the credentials"
                + " a provider gives are kept in a Secret that secret delivery copies");
      }
      if (settings.binDir().isBlank()) {
        throw new IllegalStateException(
            "webhook.credential-providers.bin-dir is required with"
                + " webhook.credential-providers.config: the directory of the plugin binaries");
      }
      settings.checkRenewal();
      registry.registerBean(
          "credentialProviders",
          CredentialProviders.class,
          spec ->
              spec.supplier(
                  context ->
                      new CredentialProviders(
                          CredentialProvider.read(Path.of(settings.config())),
                          Path.of(settings.binDir()),
                          settings.timeout(),
                          context.bean(Clock.class),
                          context.bean(MeterRegistry.class))));
      registry.registerBean(
          "providerRenewals",
          ProviderRenewals.class,
          spec ->
              spec.supplier(
                  context ->
                      new ProviderRenewals(
                              context.bean(SecretSync.class), // started first
                              context.bean(CredentialProviders.class),
                              settings,
                              context.bean(KubernetesClient.class),
                              context.bean(MeterRegistry.class),
                              context.bean(Clock.class))
                          .start()));
    }
  }

  /**
   * Watches the one rules ConfigMap through the API (RBAC: that name only) and offers its content
   * to the {@link RulesStore} bean, which validates it and keeps the last good rules exactly as for
   * the file. An edit applies in about a second; the mounted file, which the kubelet refreshes only
   * every 60–90 s, stays the fallback for when the API server cannot be reached.
   */
  static SharedIndexInformer<ConfigMap> watchRules(
      KubernetesClient client, String namespace, String name, String key, RulesStore rules) {
    String source = "configmap " + namespace + "/" + name + " key " + key;
    var informer = client.configMaps().inNamespace(namespace).withName(name).runnableInformer(0);
    Consumer<ConfigMap> changed =
        configMap -> {
          String text = configMap.getData() == null ? null : configMap.getData().get(key);
          String binary =
              configMap.getBinaryData() == null ? null : configMap.getBinaryData().get(key);
          if (text != null) {
            rules.offer(text.getBytes(StandardCharsets.UTF_8), source);
          } else if (binary != null) { // the kubelet projects it as a file too
            rules.offer(Base64.getDecoder().decode(binary), source);
          } else { // refused and counted, not only logged: the file is masked meanwhile
            rules.offerNone(source, "the ConfigMap has no key " + key);
          }
        };
    informer.addEventHandler(
        Informers.onChange(
            changed,
            deleted ->
                rules.offerNone(
                    source,
                    "the ConfigMap was deleted: the rules in force are kept, new pods cannot"
                        + " start")));
    rules.apiSourceLive(() -> informer.isWatching() && informer.hasSynced());
    Informers.start(informer, "the rules ConfigMap");
    return informer;
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
    return Informers.client(config, mapper -> mapper);
  }
}
