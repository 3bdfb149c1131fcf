package dev.pullsecret.webhook.http.tomcat;

import dev.pullsecret.webhook.config.WebhookProperties;
import dev.pullsecret.webhook.http.InFlightBudget;
import java.time.Duration;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
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

  /**
   * Tomcat connector settings Spring Boot has no property for.
   *
   * <ul>
   *   <li>{@code continueResponseTiming=onRead}: Tomcat answers {@code Expect: 100-continue} only
   *       when the endpoint starts reading the body, so a client announcing an oversized review
   *       gets its 413 without uploading it (Tomcat's default is to say "continue" at once and then
   *       discard what was sent).
   *   <li>The protocol is {@link DrainingHttp11NioProtocol}: on graceful shutdown the connections
   *       already open keep being answered, with {@code Connection: close}, rather than dropped;
   *       and a request's start (handshake, request line, headers) must arrive within {@code
   *       webhook.read-deadline} ({@link SweptHttp11NioProtocol}), and idle connections are closed
   *       when slots run short.
   *   <li>What is left of an answered request's body is read away only within the same deadline, up
   *       to the largest review, with room in the in-flight budget ({@link UnreadBodyDeadline}).
   * </ul>
   *
   * <p>Only the admission server's factory is customized: the management server (health, metrics)
   * lives in a child context that does not see this bean, and has its own sweep ({@link
   * ManagementConnectorSettings}).
   */
  @Bean
  WebServerFactoryCustomizer<TomcatWebServerFactory> connectorSettings(
      WebhookProperties properties, InFlightBudget budget) {
    Duration deadline = properties.readDeadline();
    return factory -> {
      SweptHttp11NioProtocol.install(factory, DrainingHttp11NioProtocol.class, deadline);
      factory.addEngineValves(
          new UnreadBodyDeadline(deadline, budget, properties.maxRequestBytes()));
      factory.addConnectorCustomizers(
          connector -> connector.setProperty("continueResponseTiming", "onRead"));
    };
  }

  /** Waits for the connections to close within Spring's shutdown phase timeout. */
  @Bean
  ConnectionDrain connectionDrain(
      WebServerApplicationContext context, LifecycleProperties lifecycle) {
    return new ConnectionDrain(context, lifecycle.getTimeoutPerShutdownPhase());
  }
}
