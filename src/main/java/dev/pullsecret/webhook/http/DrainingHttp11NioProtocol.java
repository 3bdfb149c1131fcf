package dev.pullsecret.webhook.http;

import java.util.concurrent.locks.ReentrantLock;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's NIO HTTP/1.1 protocol, which on {@link #pause()} (the first step of Spring Boot's
 * graceful shutdown, see {@code server.shutdown}) also closes the keep-alive connections that sit
 * idle between two requests.
 *
 * <p>Tomcat alone leaves them open until the connector stops, that is until the last request in
 * flight is answered, and refuses any review sent on them meanwhile (503, or a close without an
 * answer). The API server does not retry a POST on a broken connection, so that review would fail
 * and the registration's failurePolicy would apply: with {@code Ignore}, a pod admitted without its
 * pull secrets. Closed at once, an idle connection is dropped by the client's pool and its next
 * review goes over a new connection, to a replica that is not stopping.
 *
 * <p>Connections in the middle of a request are left alone: Tomcat closes each after its answer,
 * since the connector is paused.
 */
public class DrainingHttp11NioProtocol extends Http11NioProtocol {

  private static final Logger log = LoggerFactory.getLogger(DrainingHttp11NioProtocol.class);

  @Override
  public void pause() throws Exception {
    super.pause();
    int closed = closeIdleConnections();
    if (closed > 0) {
      log.info("Closed {} idle keep-alive connection(s) on pause", closed);
    }
  }

  private int closeIdleConnections() {
    int closed = 0;
    for (SocketWrapperBase<NioChannel> connection : getEndpoint().getConnections()) {
      // A worker thread holds this lock for as long as it processes the connection (a TLS
      // handshake, a request). Held elsewhere: the connection is busy. Taken here: no worker can
      // start on it until it is closed.
      ReentrantLock lock = connection.getLock();
      if (!lock.tryLock()) {
        continue;
      }
      try {
        // Between two requests Tomcat releases the connection's processor; a request partly
        // received (request line or headers) keeps one.
        if (connection.getCurrentProcessor() == null && !connection.isClosed()) {
          connection.close();
          closed++;
        }
      } finally {
        lock.unlock();
      }
    }
    return closed;
  }
}
