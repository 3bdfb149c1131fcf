package dev.pullsecret.webhook.http.tomcat;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * The step of shutdown between Spring Boot's graceful shutdown (no new connections, requests in
 * flight answered) and the stop of the connector (which closes every connection left): waits until
 * the clients have closed all the admission port's connections, each after the answer {@link
 * DrainingHttp11NioProtocol} sent with {@code Connection: close}, or until the shutdown phase ends.
 *
 * <p>Only connections that carried no review for the whole phase are then closed by the server; the
 * pod's preStop sleep has by then taken it out of the Service's endpoints.
 *
 * <p>Once shutdown has begun, every answer says {@code Connection: close}, those of reviews already
 * in flight at SIGTERM included (Tomcat decides keep-alive when a request starts, so it would keep
 * their connections open). Set as the answer is written ({@link #beforeBodyWrite}), after the body
 * was read, which is the part that can be long: the client then closes the connection after the
 * answer, and the drain sees it go instead of waiting for the end of the phase.
 */
@ControllerAdvice
class ConnectionDrain implements SmartLifecycle, ResponseBodyAdvice<Object> {

  private static final Logger log = LoggerFactory.getLogger(ConnectionDrain.class);

  /** After the graceful shutdown's phase, before the web server's stop (lower phases stop last). */
  static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 512;

  private static final Duration POLL = Duration.ofMillis(10);

  /** The wait ends this long before the phase timeout, which bounds each phase of shutdown. */
  private static final Duration MARGIN = Duration.ofMillis(250);

  private final WebServerApplicationContext context;
  private final Duration phaseTimeout;
  private volatile boolean running;

  ConnectionDrain(WebServerApplicationContext context, Duration phaseTimeout) {
    this.context = context;
    this.phaseTimeout = phaseTimeout;
  }

  @Override
  public void start() {
    running = true;
  }

  /**
   * Waits on the shutdown's thread (Spring's {@code stop(callback)} calls this, then the callback):
   * the wait ends before the phase timeout on its own.
   */
  @Override
  public void stop() {
    running = false;
    DrainingHttp11NioProtocol protocol = draining();
    if (protocol == null) {
      return;
    }
    long start = System.nanoTime();
    long deadline = start + phaseTimeout.minus(MARGIN).toNanos();
    try {
      while (protocol.openConnections() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(POLL);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long left = protocol.openConnections();
    long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    if (left == 0) {
      log.info("All connections closed by their clients after {} ms", millis);
    } else {
      log.info("{} connection(s) carried no review for {} ms; closing them", left, millis);
    }
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
    if (draining() != null) {
      response.getHeaders().set(HttpHeaders.CONNECTION, "close");
    }
    return body;
  }

  /** The admission port's protocol once shutdown has begun; null before. */
  private DrainingHttp11NioProtocol draining() {
    if (context.getWebServer() instanceof TomcatWebServer tomcat
        && tomcat.getTomcat().getConnector().getProtocolHandler()
            instanceof DrainingHttp11NioProtocol protocol
        && protocol.isDraining()) {
      return protocol;
    }
    return null;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
