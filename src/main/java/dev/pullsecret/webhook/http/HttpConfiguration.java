package dev.pullsecret.webhook.http;

import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.config.WebhookProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * HTTP in: the admission endpoint and what it reads with (the body reader, the in-flight budget),
 * its metrics, and the warm-ups that run before readiness.
 */
@Configuration(proxyBeanMethods = false)
class HttpConfiguration {

  @Bean
  InFlightBudget inFlightBudget(WebhookProperties properties) {
    return new InFlightBudget(properties.inFlightBudget().toBytes());
  }

  @Bean
  BodyReader bodyReader(InFlightBudget budget, WebhookProperties properties) {
    return new BodyReader(budget, properties.readDeadline(), properties.maxRequestBytes());
  }

  /** Also the registry lookups' {@code LookupObserver}. */
  @Bean
  AdmissionMetrics admissionMetrics(MeterRegistry registry) {
    return new AdmissionMetrics(registry);
  }

  @Bean
  AdmissionEndpoint admissionEndpoint(
      AdmissionReviewCodec codec,
      AdmissionHandler handler,
      AdmissionMetrics metrics,
      BodyReader bodyReader) {
    var warmUps = AdmissionHandler.offline(handler.rules(), handler.scope());
    return new AdmissionEndpoint(
        codec, handler, warmUps, metrics, bodyReader, new AdmissionEndpoint.RefusalLog());
  }

  @Bean
  WarmUp warmUp(
      AdmissionReviewCodec codec,
      WebServerApplicationContext context,
      SslBundles bundles,
      ServerProperties server,
      WebhookProperties properties) {
    String bundle = server.getSsl() == null ? null : server.getSsl().getBundle();
    return new WarmUp(codec, context, bundles, bundle, properties.warmUp());
  }
}
