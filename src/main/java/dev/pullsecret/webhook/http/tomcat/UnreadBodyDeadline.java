package dev.pullsecret.webhook.http.tomcat;

import dev.pullsecret.webhook.http.InFlightBudget;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * What is left of a body once its request is answered (a refusal sent before reading it: 408, 413,
 * 415, 503) is read away only within the read deadline, up to the largest review, and only with
 * room in the in-flight budget; otherwise the connection is closed after the answer.
 *
 * <p>Tomcat reads the rest of an unread body before the next request on the connection (up to
 * {@code max-swallow-size}), so that a client still sending gets the answer rather than a reset.
 * That read has no deadline of its own, only the per-read timeout (3 s), and runs on the request's
 * thread with its request and buffers held: a client that sends its body a byte a second, refused
 * for being slow or for lack of room, would keep all of it for as long as it liked. The API server
 * sends a body at once, so what it sends is read away at once and it still gets the answer.
 */
final class UnreadBodyDeadline extends ValveBase {

  private static final int DISCARD_BUFFER = 2048;

  private final Duration deadline;
  private final InFlightBudget budget;

  /** The most read away: the largest review; a client sending more is not the API server. */
  private final long atMost;

  UnreadBodyDeadline(Duration deadline, InFlightBudget budget, long atMost) {
    super(true);
    this.deadline = deadline;
    this.budget = budget;
    this.atMost = atMost;
  }

  @Override
  public void invoke(Request request, Response response) throws IOException, ServletException {
    if (response.getStatus() == HttpServletResponse.SC_BAD_REQUEST) {
      // Tomcat refused the head already (a Content-Length that is not one number) and still hands
      // the request on: reading that length would throw, a 500 and a stack trace in the log for
      // each such request. Its 400 stands, and the connection is closed after it.
      return;
    }
    request.setAttribute(InFlightBudget.BODY_ARRIVED, bodyArrived(request));
    getNext().invoke(request, response);
    var fullyRead = new AtomicBoolean();
    request.getCoyoteRequest().action(ActionCode.REQUEST_BODY_FULLY_READ, fullyRead);
    if (fullyRead.get()) {
      return;
    }
    long end = request.getCoyoteRequest().getStartTimeNanos() + deadline.toNanos();
    // Room for what the request holds meanwhile, in the large share (a body left unread has not
    // all arrived), only if free now: waiting would hold that very memory outside the budget, in
    // every slot under attack. A client still sending may see the close rather than the refusal.
    if (request.getContentLengthLong() > atMost
        || !(budget.tryTake(InFlightBudget.REQUEST_OVERHEAD, true)
            && discardedBefore(request, end))) {
      // Nothing more is read from this connection: closed once the answer is written.
      request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
    }
  }

  /**
   * Whether the whole body came with the request's head: Tomcat's buffer already holds it (its
   * count of bytes buffered, which the servlet API reduces to 0 or 1). With none of it buffered,
   * Tomcat first reads without blocking what the socket already holds: a client that sends the body
   * just after the head (two writes) is not taken for a slow one.
   */
  private static boolean bodyArrived(Request request) {
    long length = request.getContentLengthLong();
    if (length <= 0) {
      return length == 0;
    }
    request.getCoyoteRequest().action(ActionCode.AVAILABLE, Boolean.TRUE);
    return request.getCoyoteRequest().getAvailable() >= length;
  }

  /**
   * Reads the body to its end unless {@code end} passes or more than {@link #atMost} bytes come
   * first (a chunked body announces no length); holds the reservation meanwhile.
   */
  private boolean discardedBefore(Request request, long end) {
    try {
      InputStream in = request.getInputStream();
      byte[] buffer = new byte[DISCARD_BUFFER];
      long read = 0;
      while (System.nanoTime() - end < 0 && read <= atMost) {
        int n = in.read(buffer);
        if (n < 0) {
          return true;
        }
        read += n;
      }
      return false;
    } catch (IOException e) {
      return false; // the client went away or a read timed out: closing is all that is left
    } finally {
      budget.give(InFlightBudget.REQUEST_OVERHEAD, true);
    }
  }
}
