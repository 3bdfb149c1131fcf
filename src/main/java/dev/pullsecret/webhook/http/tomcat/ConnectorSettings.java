package dev.pullsecret.webhook.http.tomcat;

import dev.pullsecret.webhook.config.WebhookProperties;
import dev.pullsecret.webhook.http.InFlightBudget;
import java.time.Duration;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Tomcat connector settings Spring Boot has no property for.
 *
 * <ul>
 *   <li>{@code continueResponseTiming=onRead}: Tomcat answers {@code Expect: 100-continue} only
 *       when the endpoint starts reading the body, so a client announcing an oversized review gets
 *       its 413 without uploading it (Tomcat's default is to say "continue" at once and then
 *       discard what was sent).
 *   <li>The protocol is {@link DrainingHttp11NioProtocol}: on graceful shutdown the connections
 *       already open keep being answered, with {@code Connection: close}, rather than dropped; and
 *       a request's start (handshake, request line, headers) must arrive within {@code
 *       webhook.read-deadline} ({@link ConnectionSweep}), and idle connections are closed when
 *       slots run short.
 *   <li>What is left of an answered request's body is read away only within the same deadline, up
 *       to the largest review, with room in the in-flight budget ({@link UnreadBodyDeadline}).
 * </ul>
 *
 * <p>Only the admission server's factory is customized: the management server (health, metrics)
 * lives in a child context that does not see this bean, and has its own sweep ({@link
 * ManagementConnectorSettings}).
 */
class ConnectorSettings implements WebServerFactoryCustomizer<TomcatWebServerFactory> {

  private final Duration readDeadline;
  private final InFlightBudget budget;
  private final int maxBodyBytes;

  ConnectorSettings(WebhookProperties properties, InFlightBudget budget) {
    this.readDeadline = properties.readDeadline();
    this.budget = budget;
    this.maxBodyBytes = properties.maxRequestBytes();
  }

  @Override
  public void customize(TomcatWebServerFactory factory) {
    SweptHttp11NioProtocol.install(factory, DrainingHttp11NioProtocol.class, readDeadline);
    factory.addEngineValves(new UnreadBodyDeadline(readDeadline, budget, maxBodyBytes));
    factory.addConnectorCustomizers(
        connector -> connector.setProperty("continueResponseTiming", "onRead"));
  }
}
