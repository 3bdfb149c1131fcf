package dev.pullsecret.webhook.http.tomcat;

import dev.pullsecret.webhook.config.WebhookProperties;
import dev.pullsecret.webhook.http.InFlightBudget;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The admission server's hardening, which reaches into Tomcat's internals (no compatibility
 * promise: {@code TomcatInternalsTest} names what it relies on): the connector's protocol and
 * settings, the drain on graceful shutdown. The management server's connector is set up in its own
 * context ({@link ManagementConnectorSettings}).
 */
@Configuration(proxyBeanMethods = false)
class TomcatConfiguration {

  @Bean
  ConnectorSettings connectorSettings(WebhookProperties properties, InFlightBudget budget) {
    return new ConnectorSettings(properties, budget);
  }

  /** Waits for the connections to close within Spring's shutdown phase timeout. */
  @Bean
  ConnectionDrain connectionDrain(
      WebServerApplicationContext context, LifecycleProperties lifecycle) {
    return new ConnectionDrain(context, lifecycle.getTimeoutPerShutdownPhase());
  }

  @Bean
  CloseWhileDraining closeWhileDraining(ConnectionDrain drain) {
    return new CloseWhileDraining(drain);
  }
}
