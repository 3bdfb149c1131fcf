package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.providers.CredentialProviderConfigParser;
import dev.pullsecret.webhook.providers.CredentialProviderProperties;
import dev.pullsecret.webhook.providers.CredentialProviders;
import dev.pullsecret.webhook.rules.RulesStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.beans.factory.BeanRegistrar;
import org.springframework.beans.factory.BeanRegistry;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Wires credential providers (docs/short-lived-credentials.md) when {@code
 * webhook.credential-providers.config} names a CredentialProviderConfig: the config is read at
 * start-up (an invalid one stops it, every error located), and the renewals plug into the sync
 * loop, whose leader runs the plugins and whose watches deliver what they give. Without the
 * property none of these beans exists and no plugin ever runs.
 *
 * <p>Registered at start-up by a {@link BeanRegistrar}, as {@link DeliveryConfiguration} is, so the
 * switch is read from the environment the pod is given, not fixed by the build's AOT processing.
 */
@Configuration(proxyBeanMethods = false)
@Import(CredentialProvidersConfiguration.Beans.class)
class CredentialProvidersConfiguration {

  static final class Beans implements BeanRegistrar {

    @Override
    public void register(BeanRegistry registry, Environment environment) {
      var binder = Binder.get(environment);
      CredentialProviderProperties settings =
          binder.bindOrCreate("webhook.credential-providers", CredentialProviderProperties.class);
      if (!settings.enabled()) {
        return;
      }
      if (!binder.bindOrCreate("webhook.sync", SyncProperties.class).enabled()) {
        throw new IllegalStateException(
            "webhook.credential-providers.config needs webhook.sync.enabled=true: the credentials"
                + " a provider gives are kept in a Secret that secret delivery copies");
      }
      if (settings.binDir().isBlank()) {
        throw new IllegalStateException(
            "webhook.credential-providers.bin-dir is required with"
                + " webhook.credential-providers.config: the directory of the plugin binaries");
      }
      settings.renewal(); // refuses a renewal that would come after the expiry, now
      registry.registerBean(
          "credentialProviders",
          CredentialProviders.class,
          spec ->
              spec.supplier(
                  context ->
                      new CredentialProviders(
                          CredentialProviderConfigParser.read(Path.of(settings.config())),
                          Path.of(settings.binDir()),
                          settings.timeout(),
                          context.bean(Clock.class),
                          context.bean(MeterRegistry.class))));
      // Closed with the context (AutoCloseable): its timers and workers.
      registry.registerBean(
          "providerRenewals",
          ProviderRenewals.class,
          spec ->
              spec.supplier(
                  context -> {
                    SecretSync sync = context.bean(SecretSync.class); // started first
                    return new ProviderRenewals(
                            context.bean(SyncAssembly.class),
                            context.bean(RulesStore.class),
                            context.bean(SyncProperties.class).namespace(),
                            context.bean(CredentialProviders.class),
                            settings.renewal(),
                            settings.retryBaseDelay(),
                            settings.retryMaxDelay(),
                            SecretWrites.of(context.bean(KubernetesClient.class)),
                            context.bean(MeterRegistry.class),
                            context.bean(Clock.class))
                        .start(sync);
                  }));
    }
  }
}
