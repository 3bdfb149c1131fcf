package dev.pullsecret.webhook.http;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

/**
 * {@code /error} renders the server's own refusals (an error dispatch); a client asking for it
 * directly found no status to render, and was answered 500 on the admission port and 200 with
 * {@code "status":999} on the management port. It is not a page: 404, on both ports (each server
 * has its own context, so each registers it: {@code HttpConfiguration}, {@code
 * http/tomcat/ManagementConnectorSettings}).
 */
public final class ErrorPageNotServed {

  private ErrorPageNotServed() {}

  public static FilterRegistrationBean<Filter> registration() {
    var registration =
        new FilterRegistrationBean<Filter>(
            (request, response, chain) ->
                ((HttpServletResponse) response).sendError(HttpServletResponse.SC_NOT_FOUND));
    registration.addUrlPatterns("/error", "/error/*");
    registration.setDispatcherTypes(DispatcherType.REQUEST);
    return registration;
  }
}
