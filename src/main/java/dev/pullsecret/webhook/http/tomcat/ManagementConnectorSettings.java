package dev.pullsecret.webhook.http.tomcat;

import dev.pullsecret.webhook.config.WebhookProperties;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * The management server's connector (health, metrics: plain HTTP on its own port) sweeps slow and
 * idle connections as the admission port does ({@link SweptHttp11NioProtocol}), with a shorter
 * deadline. Any pod can reach that port too, and one that held its slots with headers sent a byte
 * at a time would starve the kubelet's probes: readiness failing takes the pod out of the Service,
 * liveness failing restarts it, and either way reviews go unanswered.
 *
 * <p>Imported by the actuator into the management server's own context (listed in {@code
 * META-INF/spring/...ManagementContextConfiguration.imports}), never scanned into the main one.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class ManagementConnectorSettings {

  /**
   * The kubelet and Prometheus send a request of a few hundred bytes at once; slots held by clients
   * that do not are freed sooner than the admission port's (whose reviews may be megabytes), so a
   * probe waiting behind them in the backlog is answered well within its timeout (the chart: 2 s).
   */
  static final Duration READ_DEADLINE = Duration.ofSeconds(2);

  @Bean
  WebServerFactoryCustomizer<TomcatWebServerFactory> sweptManagementConnector(
      WebhookProperties properties) {
    Duration deadline = Collections.min(List.of(READ_DEADLINE, properties.readDeadline()));
    return factory ->
        SweptHttp11NioProtocol.install(factory, SweptHttp11NioProtocol.class, deadline);
  }
}
