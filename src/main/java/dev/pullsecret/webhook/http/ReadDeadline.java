package dev.pullsecret.webhook.http;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.coyote.AbstractProcessor;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * One deadline for receiving a request's start: the TLS handshake, the request line and the
 * headers, however the client paces its bytes. Tomcat's connection timeout is per read, so a client
 * sending a byte every two seconds would hold its connection for ever; these connections hold no
 * thread (Tomcat reads headers without blocking) but they hold a connection slot and buffers.
 *
 * <p>Every {@link #PERIOD} the open connections are checked: one that is still handshaking, or has
 * part of a request and no worker on it, for longer than the deadline is closed. Idle keep-alive
 * connections (between two requests) are left to the keep-alive timeout, and a connection a worker
 * holds is reading its body, which {@link BodyReader} bounds by the same deadline.
 */
final class ReadDeadline {

  static final Duration PERIOD = Duration.ofMillis(250);

  private final Duration deadline;

  /** When a handshaking connection was first seen: Tomcat keeps no time for that phase. */
  private final Map<SocketWrapperBase<NioChannel>, Long> handshakingSince =
      new ConcurrentHashMap<>();

  ReadDeadline(Duration deadline) {
    this.deadline = deadline;
  }

  ScheduledFuture<?> schedule(
      ScheduledExecutorService executor, Set<SocketWrapperBase<NioChannel>> connections) {
    return executor.scheduleWithFixedDelay(
        () -> closeOverdue(connections),
        PERIOD.toMillis(),
        PERIOD.toMillis(),
        TimeUnit.MILLISECONDS);
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
