package dev.pullsecret.webhook.http.tomcat;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Once shutdown has begun, every answer says {@code Connection: close}, those of reviews already in
 * flight at SIGTERM included (Tomcat decides keep-alive when a request starts, so it would keep
 * their connections open). Set as the answer is written, after the body was read, which is the part
 * that can be long: the client then closes the connection after the answer, and {@link
 * ConnectionDrain} sees it go instead of waiting for the end of the phase.
 */
@ControllerAdvice
class CloseWhileDraining implements ResponseBodyAdvice<Object> {

  private final ConnectionDrain drain;

  CloseWhileDraining(ConnectionDrain drain) {
    this.drain = drain;
  }

  @Override
  public boolean supports(
      MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
    return true;
  }

  @Override
  public Object beforeBodyWrite(
      Object body,
      MethodParameter returnType,
      MediaType contentType,
      Class<? extends HttpMessageConverter<?>> converterType,
      ServerHttpRequest request,
      ServerHttpResponse response) {
    if (drain.isDraining()) {
      response.getHeaders().set(HttpHeaders.CONNECTION, "close");
    }
    return body;
  }
}
