package dev.pullsecret.webhook.http;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

/**
 * The servlet filters of both ports (each server has its own context, so each registers its own:
 * {@code HttpConfiguration}, {@code http/tomcat/ManagementConnectorSettings}). They see requests as
 * clients send them, not the error dispatch that renders the server's own refusals.
 */
public final class RequestFilters {

  private RequestFilters() {}

  public static FilterRegistrationBean<Filter> on(Filter filter, String... urlPatterns) {
    var registration = new FilterRegistrationBean<>(filter);
    registration.addUrlPatterns(urlPatterns);
    registration.setDispatcherTypes(DispatcherType.REQUEST);
    return registration;
  }

  /**
   * {@code /error} renders the server's own refusals (an error dispatch); a client asking for it
   * directly found no status to render, and was answered 500 on the admission port and 200 with
   * {@code "status":999} on the management port. It is not a page: 404, on both ports.
   */
  public static FilterRegistrationBean<Filter> errorPageNotServed() {
    return on(
        (request, response, chain) ->
            ((HttpServletResponse) response).sendError(HttpServletResponse.SC_NOT_FOUND),
        "/error",
        "/error/*");
  }
}
