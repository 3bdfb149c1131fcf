package dev.pullsecret.webhook.http.tomcat;

import dev.pullsecret.webhook.config.WebhookProperties;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
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

  /**
   * How long a scrape waits for the one before it; Prometheus scrapes every 30 s and times out
   * after 10 s (the chart's ServiceMonitor).
   */
  static final Duration SCRAPE_WAIT = Duration.ofSeconds(2);

  /**
   * One scrape of the metrics at a time, leaving a carrier to admission: a scrape is milliseconds
   * of CPU on a virtual thread, not time-sliced, and 8 at once kept both carriers busy while
   * admission's handshakes and reviews waited past the read deadline. A scrape that finds no turn
   * within {@link #SCRAPE_WAIT} is answered 503.
   */
  @Bean
  FilterRegistrationBean<Filter> oneScrapeAtATime() {
    Semaphore turn = new Semaphore(1);
    return on(
        (request, response, chain) -> {
          boolean mine;
          try {
            mine = turn.tryAcquire(SCRAPE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            mine = false;
          }
          if (!mine) {
            ((HttpServletResponse) response).sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            return;
          }
          try {
            chain.doFilter(request, response);
          } finally {
            turn.release();
          }
        },
        "/actuator/prometheus",
        "/actuator/prometheus/*");
  }

  /**
   * Spring MVC matches the request URI as sent, dot segments included (Tomcat normalises only the
   * path it maps servlets by), so {@code /actuator/health/../prometheus} (or {@code %2e%2e}, {@code
   * ..;x}) reached the health endpoint with a component named {@code ..}: a 500 and a stack trace
   * in the log for every such request, from any pod. Such URIs are refused 400 before Spring.
   */
  @Bean
  FilterRegistrationBean<Filter> noDotSegments() {
    return on(
        (request, response, chain) -> {
          if (hasDotSegment(((HttpServletRequest) request).getRequestURI())) {
            ((HttpServletResponse) response).sendError(HttpServletResponse.SC_BAD_REQUEST);
            return;
          }
          chain.doFilter(request, response);
        },
        "/*");
  }

  /** Whether a segment of {@code uri}, path parameters left out and decoded, is . or .. */
  static boolean hasDotSegment(String uri) {
    for (String segment : uri.split("/", -1)) {
      int parameters = segment.indexOf(';');
      String name = parameters < 0 ? segment : segment.substring(0, parameters);
      try {
        name = URLDecoder.decode(name, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return true;
      }
      if (name.equals(".") || name.equals("..")) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code /error} renders the server's own refusals (an error dispatch); a client asking for it
   * directly found no status to render, and was answered 500 on the admission port and 200 with
   * {@code "status":999} on the management port. It is not a page: 404, on both ports (each server
   * has its own context, so each registers it: {@link TomcatConfiguration} too).
   */
  @Bean
  static FilterRegistrationBean<Filter> errorPageNotServed() {
    return on(
        (request, response, chain) ->
            ((HttpServletResponse) response).sendError(HttpServletResponse.SC_NOT_FOUND),
        "/error",
        "/error/*");
  }

  /**
   * A filter of the requests as clients send them, not of the error dispatch that renders the
   * server's own refusals.
   */
  private static FilterRegistrationBean<Filter> on(Filter filter, String... urlPatterns) {
    var registration = new FilterRegistrationBean<>(filter);
    registration.addUrlPatterns(urlPatterns);
    registration.setDispatcherTypes(DispatcherType.REQUEST);
    return registration;
  }

  @Bean
  WebServerFactoryCustomizer<TomcatWebServerFactory> sweptManagementConnector(
      WebhookProperties properties) {
    Duration deadline = Collections.min(List.of(READ_DEADLINE, properties.readDeadline()));
    return factory -> {
      SweptHttp11NioProtocol.install(factory, deadline, null);
      factory.addEngineValves(new BodiesRefused());
    };
  }

  /**
   * No endpoint of this port takes a body, but the actuator reads one for every operation, GET
   * included, whole into a map, without bound: one request to {@code /actuator/health} with a 40 MB
   * JSON body (plain HTTP, from any pod) ended the process with an OutOfMemoryError, and a body
   * sent slowly held its slot past the sweep. A request announcing one (a length, or chunked) is
   * refused 413 before any of it is read, and the connection closed after the answer.
   */
  static final class BodiesRefused extends ValveBase {

    BodiesRefused() {
      super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
      if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
        request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
        response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
        response.setContentLength(0);
        return;
      }
      getNext().invoke(request, response);
    }
  }
}
