package dev.pullsecret.webhook.http.tomcat;

import dev.pullsecret.webhook.config.WebhookProperties;
import dev.pullsecret.webhook.http.InFlightBudget;
import jakarta.servlet.Filter;
import java.time.Duration;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The admission server's hardening, which reaches into Tomcat's internals (no compatibility
 * promise: {@code TomcatInternalsTest} names what it relies on). The management server (health,
 * metrics) lives in a child context that does not see these beans, and has its own sweep ({@link
 * ManagementConnectorSettings}).
 */
@Configuration(proxyBeanMethods = false)
class TomcatConfiguration {

  /**
   * The connector's sweep and drain, the deadline of unread bodies, and {@code
   * continueResponseTiming=onRead}, which Spring Boot has no property for: Tomcat answers {@code
   * Expect: 100-continue} only when the endpoint starts reading the body, so a client announcing an
   * oversized review gets its 413 without uploading it (Tomcat's default is to say "continue" at
   * once and then discard what was sent).
   */
  @Bean
  WebServerFactoryCustomizer<TomcatWebServerFactory> connectorSettings(
      WebhookProperties properties, InFlightBudget budget, ConnectionDrain drain) {
    Duration deadline = properties.readDeadline();
    return factory -> {
      SweptHttp11NioProtocol.install(factory, deadline, drain);
      factory.addEngineValves(
          new UnreadBodyDeadline(deadline, budget, properties.maxRequestBytes()));
      factory.addConnectorCustomizers(
          connector -> connector.setProperty("continueResponseTiming", "onRead"));
    };
  }

  /** {@link ManagementConnectorSettings#errorPageNotServed}. */
  @Bean
  FilterRegistrationBean<Filter> errorPageNotServed() {
    return ManagementConnectorSettings.errorPageNotServed();
  }

  @Bean
  ConnectionDrain connectionDrain(LifecycleProperties lifecycle) {
    return new ConnectionDrain(lifecycle.getTimeoutPerShutdownPhase());
  }
}
