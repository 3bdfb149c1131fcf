package dev.pullsecret.webhook.http.tomcat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's NIO HTTP/1.1 protocol that, on graceful shutdown, keeps answering reviews on the
 * connections already open, each with {@code Connection: close}, instead of refusing them.
 *
 * <p>Spring Boot's graceful shutdown first calls {@link #pause()}, then closes the listening
 * socket. Tomcat's own pause makes every keep-alive connection drop the next request it carries
 * without an answer (or answer it 503), and closing idle connections at once races with a review
 * already on its way over one: either way the API server, which does not retry a POST, sees a
 * failed call and applies the registration's failurePolicy (with {@code Ignore}: a pod admitted
 * without its pull secrets). So pausing is left out: once the listening socket is closed Tomcat
 * sets keep-alive to "this request only" on its own, so each connection carries one more review,
 * answered with {@code Connection: close}, and the client closes it and reconnects to a replica
 * that is not stopping. No connection is closed under a client by the server ({@link
 * ConnectionDrain} waits for the clients). Slow and idle connections are swept as on every port.
 */
public class DrainingHttp11NioProtocol extends SweptHttp11NioProtocol {

  private static final Logger log = LoggerFactory.getLogger(DrainingHttp11NioProtocol.class);

  private volatile boolean draining;

  /** Deliberately not Tomcat's pause: see the class comment. */
  @Override
  public void pause() {
    draining = true;
    log.info(
        "Draining {} open connection(s): each is answered once more, with Connection: close",
        openConnections());
  }

  boolean isDraining() {
    return draining;
  }

  /** Connections accepted and not yet closed: busy, idle between two reviews, or handshaking. */
  long openConnections() {
    return getEndpoint().getConnections().stream().filter(c -> !c.isClosed()).count();
  }
}
