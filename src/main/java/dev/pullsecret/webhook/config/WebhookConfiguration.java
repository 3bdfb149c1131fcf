package dev.pullsecret.webhook.config;

import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.admission.SecretPresence;
import dev.pullsecret.webhook.rules.RulesFile;
import dev.pullsecret.webhook.rules.RulesMetrics;
import dev.pullsecret.webhook.rules.RulesReloader;
import dev.pullsecret.webhook.rules.RulesStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashSet;
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

  @Bean
  RulesMetrics rulesMetrics(MeterRegistry registry) {
    return new RulesMetrics(registry);
  }

  @Bean(destroyMethod = "close")
  RulesReloader rulesReloader(WebhookProperties properties, RulesMetrics metrics, Clock clock) {
    return RulesReloader.start(
        new RulesFile(properties.rules().file()),
        properties.rules().pollInterval(),
        metrics,
        clock);
  }

  @Bean
  RulesStore rulesStore(RulesReloader reloader) {
    return reloader.store();
  }

  @Bean
  AdmissionHandler admissionHandler(
      RulesStore rules, WebhookProperties properties, ObjectProvider<SecretPresence> presence) {
    var skipped = new HashSet<>(properties.skipNamespaces());
    skipped.removeIf(String::isBlank);
    return new AdmissionHandler(
        rules, skipped, presence.getIfAvailable(() -> SecretPresence.UNKNOWN));
  }

  @Bean
  AdmissionReviewCodec admissionReviewCodec(WebhookProperties properties) {
    return new AdmissionReviewCodec(properties.maxRequestBytes());
  }
}
