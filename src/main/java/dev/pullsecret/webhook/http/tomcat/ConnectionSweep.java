package dev.pullsecret.webhook.http.tomcat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.coyote.AbstractProcessor;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Closes connections that hold a slot without sending, so slots stay free for the API server. Every
 * {@link #PERIOD} the admission port's open connections are checked:
 *
 * <ul>
 *   <li>One deadline for receiving a request's start: the TLS handshake, the request line and the
 *       headers, however the client paces its bytes. Tomcat's connection timeout is per read, so a
 *       client sending a byte every two seconds would hold its connection for ever; such
 *       connections hold no thread (Tomcat reads headers without blocking) but a slot and buffers.
 *       One still handshaking, or with part of a request and no worker on it, for longer than the
 *       deadline is closed. A connection a worker holds is reading its body, which {@link
 *       BodyReader} bounds by the same deadline.
 *   <li>When more than three quarters of {@code max-connections} are open, idle keep-alive
 *       connections (between two requests) that sent nothing for {@link #IDLE_UNDER_PRESSURE} are
 *       closed; otherwise they are left to the keep-alive timeout (120 s), which the API server's
 *       pool outlives. Clients that open connections and keep them idle cannot fill the slots.
 * </ul>
 */
final class ConnectionSweep {

  /** Idle this long, a keep-alive connection is closed when slots run short. */
  static final Duration IDLE_UNDER_PRESSURE = Duration.ofSeconds(1);

  static final Duration PERIOD = Duration.ofMillis(250);

  private final Duration deadline;

  /** When a handshaking connection was first seen: Tomcat keeps no time for that phase. */
  private final Map<SocketWrapperBase<NioChannel>, Long> handshakingSince =
      new ConcurrentHashMap<>();

  ConnectionSweep(Duration deadline) {
    this.deadline = deadline;
  }

  /**
   * Sweeps every {@link #PERIOD}; {@code connections} gives a fresh snapshot of the open
   * connections each time (Tomcat's {@code getConnections()} copies them).
   */
  ScheduledFuture<?> schedule(
      ScheduledExecutorService executor,
      Supplier<Set<SocketWrapperBase<NioChannel>>> connections,
      IntSupplier maxConnections) {
    return executor.scheduleWithFixedDelay(
        () -> sweep(connections.get(), maxConnections.getAsInt()),
        PERIOD.toMillis(),
        PERIOD.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  void sweep(Set<SocketWrapperBase<NioChannel>> open, int maxConnections) {
    closeOverdue(open);
    if (open.size() > maxConnections / 4 * 3) {
      closeIdle(open);
    }
  }

  /** Closes the connections past the deadline; returns how many. */
  int closeOverdue(Set<SocketWrapperBase<NioChannel>> connections) {
    long now = System.nanoTime();
    handshakingSince.keySet().removeIf(c -> c.isClosed() || !connections.contains(c));
    int closed = 0;
    for (SocketWrapperBase<NioChannel> connection : connections) {
      long since = receivingSince(connection, now);
      if (since != NOT_RECEIVING
          && now - since > deadline.toNanos()
          && closeIfNoWorker(connection)) {
        closed++;
      }
    }
    return closed;
  }

  /** Closes the idle keep-alive connections quiet for {@link #IDLE_UNDER_PRESSURE}. */
  int closeIdle(Set<SocketWrapperBase<NioChannel>> connections) {
    long quietSince = System.currentTimeMillis() - IDLE_UNDER_PRESSURE.toMillis();
    int closed = 0;
    for (SocketWrapperBase<NioChannel> connection : connections) {
      if (!connection.isClosed()
          && connection.getSocket().isHandshakeComplete()
          && connection.getCurrentProcessor() == null
          && connection instanceof NioEndpoint.NioSocketWrapper nio
          && nio.getLastRead() < quietSince
          && closeIfNoWorker(connection)) {
        closed++;
      }
    }
    return closed;
  }

  private static final long NOT_RECEIVING = Long.MIN_VALUE;

  private long receivingSince(SocketWrapperBase<NioChannel> connection, long now) {
    if (connection.isClosed()) {
      return NOT_RECEIVING;
    }
    if (!connection.getSocket().isHandshakeComplete()) {
      return handshakingSince.computeIfAbsent(connection, c -> now);
    }
    handshakingSince.remove(connection);
    // Between two requests Tomcat releases the connection's processor; a request partly received
    // keeps one, with the time its first byte arrived.
    if (connection.getCurrentProcessor() instanceof AbstractProcessor processor) {
      long started = processor.getRequest().getStartTimeNanos();
      return started < 0 ? NOT_RECEIVING : started;
    }
    return NOT_RECEIVING;
  }

  /**
   * A worker holds the connection's lock while it processes it (a handshake step, a request): then
   * the connection is busy, and is left alone. Taken here, no worker can start on it until closed.
   */
  private static boolean closeIfNoWorker(SocketWrapperBase<NioChannel> connection) {
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
