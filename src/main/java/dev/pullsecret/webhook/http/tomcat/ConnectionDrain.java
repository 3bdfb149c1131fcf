package dev.pullsecret.webhook.http.tomcat;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * The admission port's graceful shutdown. Spring Boot's pauses the protocol, then closes the
 * listening socket; Tomcat's pause makes every keep-alive connection drop the next request it
 * carries without an answer (or answer it 503), and closing idle connections at once races with a
 * review already on its way over one: either way the API server, which does not retry a POST, sees
 * a failed call and applies the registration's failurePolicy (with {@code Ignore}: a pod admitted
 * without its pull secrets). So the port's protocol calls {@link #begin} instead of pausing: once
 * the listening socket is closed Tomcat sets keep-alive to "this request only" on its own, so each
 * connection carries one more review and its client reconnects to a replica that is not stopping.
 *
 * <p>From then on every answer says {@code Connection: close}, those of reviews in flight at
 * SIGTERM included (Tomcat decides keep-alive when a request starts): it is set as the answer is
 * written ({@link #beforeBodyWrite}), after the body's read, the part that can be long.
 *
 * <p>{@link #stop}, between Spring Boot's graceful shutdown and the connector's stop (which closes
 * every connection left), waits until the clients have closed all the port's connections or the
 * shutdown phase ends: only connections that carried no review for the whole phase are closed by
 * the server, once the pod's preStop sleep has taken it out of the Service's endpoints.
 */
@ControllerAdvice
class ConnectionDrain implements SmartLifecycle, ResponseBodyAdvice<Object> {

  private static final Logger log = LoggerFactory.getLogger(ConnectionDrain.class);

  /** After the graceful shutdown's phase, before the web server's stop (lower phases stop last). */
  static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 512;

  private static final Duration POLL = Duration.ofMillis(10);

  /** The wait ends this long before the phase timeout, which bounds each phase of shutdown. */
  private static final Duration MARGIN = Duration.ofMillis(250);

  private final Duration phaseTimeout;
  private volatile boolean running;

  /** The admission port's protocol once shutdown has begun; null before. */
  private volatile SweptHttp11NioProtocol draining;

  ConnectionDrain(Duration phaseTimeout) {
    this.phaseTimeout = phaseTimeout;
  }

  void begin(SweptHttp11NioProtocol protocol) {
    draining = protocol;
    log.info(
        "Draining {} open connection(s): each is answered once more, with Connection: close",
        protocol.openConnections());
  }

  @Override
  public void start() {
    running = true;
  }

  /**
   * Waits on the shutdown's thread: Spring's {@code stop(callback)} calls this, then the callback.
   */
  @Override
  public void stop() {
    running = false;
    SweptHttp11NioProtocol protocol = draining;
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
    if (draining != null) {
      response.getHeaders().set(HttpHeaders.CONNECTION, "close");
    }
    return body;
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
