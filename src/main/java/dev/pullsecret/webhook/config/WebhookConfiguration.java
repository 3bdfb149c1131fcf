package dev.pullsecret.webhook.config;

import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.admission.DigestLookup;
import dev.pullsecret.webhook.admission.NamespaceLabelSource;
import dev.pullsecret.webhook.admission.SecretPresence;
import dev.pullsecret.webhook.delivery.SyncProperties;
import dev.pullsecret.webhook.registry.DigestResolver;
import dev.pullsecret.webhook.registry.LookupObserver;
import dev.pullsecret.webhook.registry.RegistryCredentials;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.RulesMetrics;
import dev.pullsecret.webhook.rules.RulesStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the framework-free core (rules, admission) into the Spring application. */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  /** Rules may select namespaces by label only where the sync loop watches namespaces. */
  @Bean(destroyMethod = "close")
  RulesStore rulesStore(
      WebhookProperties properties, SyncProperties sync, MeterRegistry registry, Clock clock) {
    return RulesStore.start(
        properties.rules().file(),
        sync.enabled(),
        properties.rules().pollInterval(),
        new RulesMetrics(registry),
        clock);
  }

  /** Where the webhook never acts: admission and delivery both ask it (docs/rules.md). */
  @Bean
  NamespaceScope namespaceScope(WebhookProperties properties) {
    return NamespaceScope.deployed(
        properties.skipNamespaces(), NamespaceScope.optOutLabel(properties.optOutLabel()));
  }

  /**
   * Namespace labels and the presence of delivered secrets come from the sync loop's watches when
   * it runs (its beans); without them the webhook knows neither. Digest lookups use the delivered
   * pull secrets' credentials when secret delivery runs (its bean), and are anonymous otherwise:
   * the webhook reads no Secret on its own.
   */
  @Bean
  AdmissionHandler admissionHandler(
      RulesStore rules,
      NamespaceScope scope,
      ObjectProvider<NamespaceLabelSource> labels,
      ObjectProvider<SecretPresence> presence,
      DigestResolver resolver,
      ObjectProvider<RegistryCredentials> credentials,
      WebhookProperties properties,
      LookupObserver observer) {
    return new AdmissionHandler(
        rules,
        scope,
        labels.getIfAvailable(() -> NamespaceLabelSource.NONE),
        presence.getIfAvailable(() -> SecretPresence.UNKNOWN),
        new DigestLookup(
            resolver,
            credentials.getIfAvailable(() -> RegistryCredentials.ANONYMOUS),
            properties.digests().budget(),
            observer));
  }

  @Bean(destroyMethod = "close")
  DigestResolver digestResolver(WebhookProperties properties, LookupObserver observer) {
    return new DigestResolver(properties.digests(), observer);
  }

  @Bean
  AdmissionReviewCodec admissionReviewCodec(WebhookProperties properties) {
    return new AdmissionReviewCodec(properties.maxRequestBytes());
  }
}
