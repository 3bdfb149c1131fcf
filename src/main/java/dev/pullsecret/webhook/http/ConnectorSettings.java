package dev.pullsecret.webhook.http;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Tomcat connector settings Spring Boot has no property for. {@code continueResponseTiming=onRead}:
 * Tomcat answers {@code Expect: 100-continue} only when the endpoint starts reading the body, so a
 * client announcing an oversized review gets its 413 without uploading it (Tomcat's default is to
 * say "continue" at once and then discard what was sent).
 */
@Component
class ConnectorSettings implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> {

  @Override
  public void customize(ConfigurableTomcatWebServerFactory factory) {
    factory.addConnectorCustomizers(
        connector -> connector.setProperty("continueResponseTiming", "onRead"));
  }
}
