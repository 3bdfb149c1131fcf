package dev.pullsecret.webhook.http.tomcat;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.coyote.AbstractProcessor;
import org.apache.coyote.Processor;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.coyote.http11.Http11Processor;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.springframework.boot.tomcat.TomcatWebServerFactory;

/**
 * Tomcat's NIO HTTP/1.1 protocol that closes connections that hold a slot without sending, so slots
 * stay free for the API server. Both ports run it ({@link ManagementConnectorSettings} says why the
 * management port too); the admission port's also drains ({@link ConnectionDrain}). Every {@link
 * #PERIOD} the open connections are swept:
 *
 * <ul>
 *   <li>One deadline for receiving a request's start: the TLS handshake, the request line and the
 *       headers, however the client paces its bytes (Tomcat's connection timeout is per read: a
 *       byte every two seconds held a slot and buffers for ever). A connection still handshaking,
 *       or with part of a request and no worker on it, for longer than the deadline is closed.
 *   <li>One deadline for a worker's hold on a connection: reading a body ({@code http/BodyReader}
 *       bounds it by the same deadline), answering, writing the answer. Past it, a write waiting
 *       for the client waits {@link #WRITE_STALL_PAST_DEADLINE} at most, and the connection is
 *       closed as soon as the worker lets go. Tomcat's write timeout (3 s) is per wait and starts
 *       again whenever the client takes a byte: 700 slow readers held every slot.
 *   <li>When more than three quarters of {@code max-connections} are open, idle keep-alive
 *       connections (between two requests) that sent nothing for {@link #IDLE_UNDER_PRESSURE} are
 *       closed, so idle clients cannot fill the slots; otherwise they are left to the keep-alive
 *       timeout (120 s), which the API server's pool outlives.
 * </ul>
 */
public class SweptHttp11NioProtocol extends Http11NioProtocol {

  /** Idle this long, a keep-alive connection is closed when slots run short. */
  static final Duration IDLE_UNDER_PRESSURE = Duration.ofSeconds(1);

  static final Duration PERIOD = Duration.ofMillis(250);

  /** How long a write may wait for the client once the worker has held it past the deadline. */
  static final Duration WRITE_STALL_PAST_DEADLINE = Duration.ofMillis(100);

  private Duration readDeadline;

  /** The admission port's drain on graceful shutdown; null on the management port. */
  private ConnectionDrain drain;

  private ScheduledFuture<?> sweep;

  /** When a handshaking connection was first seen: Tomcat keeps no time for that phase. */
  private final Map<SocketWrapperBase<NioChannel>, Long> handshakingSince =
      new ConcurrentHashMap<>();

  /** Since when a worker holds each connection it is processing (Tomcat keeps no such time). */
  private final Map<SocketWrapperBase<?>, Long> inService = new ConcurrentHashMap<>();

  /** Connections a worker held past the deadline: closed once it lets go. */
  private final Set<SocketWrapperBase<?>> overdueBusy = ConcurrentHashMap.newKeySet();

  /** Runs {@code factory}'s connector on this protocol, with these deadline and drain. */
  static void install(
      TomcatWebServerFactory factory, Duration readDeadline, ConnectionDrain drain) {
    factory.setProtocol(SweptHttp11NioProtocol.class.getName());
    factory.addProtocolHandlerCustomizers(
        (SweptHttp11NioProtocol protocol) -> {
          protocol.readDeadline = readDeadline;
          protocol.drain = drain;
        });
  }

  /**
   * TLS sessions kept for resumption (used by TLS 1.2 clients without session tickets only: TLS 1.3
   * and tickets carry the session to the client): about 1 KB each. Tomcat leaves the JDK's 20,480
   * for 24 hours, so a client making full handshakes kept ~20 MB of heap out of every bound.
   */
  public static final int TLS_SESSIONS = 256;

  @Override
  public void addSslHostConfig(SSLHostConfig config) {
    addSslHostConfig(config, false);
  }

  /** Spring Boot gives a new configuration on every certificate reload: each is bounded. */
  @Override
  public void addSslHostConfig(SSLHostConfig config, boolean replace) {
    config.setSessionCacheSize(TLS_SESSIONS);
    super.addSslHostConfig(config, replace);
  }

  /** Deliberately not Tomcat's pause where the port drains: {@link ConnectionDrain} says why. */
  @Override
  public void pause() throws Exception {
    if (drain == null) {
      super.pause();
    } else {
      drain.begin(this);
    }
  }

  /** Connections accepted and not yet closed: busy, idle between two reviews, or handshaking. */
  long openConnections() {
    return getEndpoint().getConnections().stream().filter(c -> !c.isClosed()).count();
  }

  @Override
  public void start() throws Exception {
    // Set by install's customizer: without it the sweep would throw on its first run and never
    // run again, leaving slow clients uncut; refuse to start instead.
    Objects.requireNonNull(readDeadline, "read deadline not set: SweptHttp11NioProtocol.install");
    super.start();
    sweep =
        getUtilityExecutor()
            .scheduleWithFixedDelay(
                this::sweep, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() throws Exception {
    if (sweep != null) {
      sweep.cancel(false);
    }
    super.stop();
  }

  /** Tomcat's processor, which says when a worker starts and ends processing a connection. */
  @Override
  protected Processor createProcessor() {
    return new Http11Processor(this, getAdapter()) {
      @Override
      public SocketState service(SocketWrapperBase<?> connection) throws IOException {
        inService.put(connection, System.nanoTime());
        try {
          return super.service(connection);
        } finally {
          inService.remove(connection);
        }
      }
    };
  }

  /**
   * One sweep, on a fresh snapshot of the open connections (Tomcat's getConnections copies): see
   * the class comment.
   */
  private void sweep() {
    Set<SocketWrapperBase<NioChannel>> open = getEndpoint().getConnections();
    long now = System.nanoTime();
    long deadline = readDeadline.toNanos();
    boolean slotsShort = open.size() > getMaxConnections() / 4 * 3;
    long quietSince = System.currentTimeMillis() - IDLE_UNDER_PRESSURE.toMillis();
    handshakingSince.keySet().removeIf(c -> c.isClosed() || !open.contains(c));
    overdueBusy.removeIf(c -> c.isClosed() || !open.contains(c) || closeIfNoWorker(c));
    for (SocketWrapperBase<NioChannel> connection : open) {
      if (connection.isClosed()) {
        continue;
      }
      if (!connection.getSocket().isHandshakeComplete()) {
        if (now - handshakingSince.computeIfAbsent(connection, c -> now) > deadline) {
          closeIfNoWorker(connection);
        }
        continue;
      }
      handshakingSince.remove(connection);
      // Between two requests Tomcat releases the connection's processor; a request partly received
      // keeps one, with the time its first byte arrived.
      Object processor = connection.getCurrentProcessor();
      long started =
          processor instanceof AbstractProcessor p ? p.getRequest().getStartTimeNanos() : -1;
      boolean overdue = started >= 0 && now - started > deadline;
      boolean idle =
          processor == null
              && slotsShort
              && connection instanceof NioEndpoint.NioSocketWrapper nio
              && nio.getLastRead() < quietSince;
      if (overdue || idle) {
        closeIfNoWorker(connection);
      }
    }
    inService.forEach(
        (connection, since) -> {
          if (now - since > deadline && overdueBusy.add(connection)) {
            // Read by Tomcat's blocking write at its next wait, and again after each progress.
            connection.setWriteTimeout(WRITE_STALL_PAST_DEADLINE.toMillis());
          }
        });
  }

  /**
   * A worker holds the connection's lock while it processes it (a handshake step, a request): then
   * the connection is busy, and is left alone. Taken here, no worker can start on it until closed.
   *
   * @return whether it was closed
   */
  private static boolean closeIfNoWorker(SocketWrapperBase<?> connection) {
    ReentrantLock lock = connection.getLock();
    if (!lock.tryLock()) {
      return false;
    }
    try {
      connection.close();
      return true;
    } finally {
      lock.unlock();
    }
  }
}
