package dev.pullsecret.webhook.http;

import dev.pullsecret.webhook.admission.DigestLookup;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * Reads a review's body within the in-flight budget and the read deadline.
 *
 * <ul>
 *   <li>In chunks, each reserved before it is allocated: a body takes heap as its bytes arrive, not
 *       as its Content-Length announces (a hundred clients announcing 4 MiB and sending a byte now
 *       and then hold a chunk each, not 400 MiB).
 *   <li>Under one deadline for the whole body, however the bytes are paced; Tomcat's read timeout
 *       only bounds the wait for each next byte.
 *   <li>At most {@code webhook.max-request-size}: a larger Content-Length is refused before any
 *       byte is read; the count is checked again while reading, because Content-Length may be
 *       absent (chunked) or wrong, so an over-long body is seen without being buffered.
 * </ul>
 *
 * <p>Blocking reads park a virtual thread ({@code spring.threads.virtual.enabled}), so clients that
 * send slowly hold no platform thread.
 *
 * @param deadline {@code webhook.read-deadline}
 * @param limit {@code webhook.max-request-size}, in bytes
 */
record BodyReader(InFlightBudget budget, Duration deadline, int limit) {

  static final int CHUNK = 16 * 1024;

  sealed interface Outcome {
    /**
     * The body, and the reservation for answering it. {@link BodyReader#read} has it closed once
     * the answer is written, whatever it is: Spring completes the request's attributes, running
     * their destruction callbacks, after the answer's converter has written and flushed it.
     */
    final class Body implements Outcome, AutoCloseable {
      private final byte[] bytes;
      private final InFlightBudget budget;
      private long reserved;
      private boolean large;

      Body(byte[] bytes, long reserved, boolean large, InFlightBudget budget) {
        this.bytes = bytes;
        this.reserved = reserved;
        this.large = large;
        this.budget = budget;
      }

      byte[] bytes() {
        return bytes;
      }

      /**
       * Keeps reserved, until closed, only what writing an answer of {@code answerBytes} holds: its
       * bytes and the body's (nothing else of the review is reachable once it is encoded); the rest
       * is given back now. Spring writes the answer after the endpoint returns it, and a client
       * that does not read holds it meanwhile (at most the read deadline past its request's start:
       * {@code SweptHttp11NioProtocol}); given back before the write, 700 slow readers of 208 KB
       * answers ended the process with an OutOfMemoryError. A large answer ({@link
       * InFlightBudget#SMALL_ANSWER}) also counts in the large share.
       *
       * @return false if a large answer found no room in the large share now (the review is
       *     refused): waiting for it would hold the room kept for small reviews
       */
      boolean keepForAnswer(int answerBytes) {
        long keep = Math.min((long) answerBytes + bytes.length, reserved);
        boolean wasLarge = large;
        if (answerBytes > InFlightBudget.SMALL_ANSWER && !countsLarge(keep)) {
          return false;
        }
        budget.give(reserved - keep, wasLarge);
        reserved = keep;
        return true;
      }

      /**
       * Counts this reservation in the large share too, if it has room now, before the review waits
       * for the registries its pod names ({@link DigestLookup#MAY_WAIT}): a slow registry holds a
       * review for the whole lookup budget (1.5 s), longer than a small review waits for room (1
       * s), and such reviews kept the room for small reviews (40% of the others refused 503).
       *
       * @return false if the large share has no room: the review then waits for no registry
       */
      boolean mayWait() {
        return countsLarge(reserved);
      }

      /** Whether this reservation counts in the large share, with {@code n} of it counted now. */
      private boolean countsLarge(long n) {
        large = large || budget.tryShareLarge(n);
        return large;
      }

      @Override
      public void close() {
        budget.give(reserved, large);
        reserved = 0;
      }
    }

    /** Over the size limit, or too large to answer within the in-flight budget at all. */
    record TooLarge(String message) implements Outcome {}

    /** The budget had no room for the next chunk, or for answering. */
    record Overloaded() implements Outcome {}

    record TooSlow() implements Outcome {}
  }

  /** Reads {@code http}'s body, under the deadline from {@code startNanos}. */
  Outcome read(HttpServletRequest http, long startNanos) throws IOException {
    if (http.getContentLengthLong() > limit) {
      return tooLarge(http.getContentLengthLong());
    }
    InputStream in = http.getInputStream();
    long end = startNanos + deadline.toNanos();
    List<byte[]> chunks = new ArrayList<>();
    long reserved = 0;
    long reservedLarge = 0; // the chunks of a large body (InFlightBudget.SMALL_BODY)
    int size = 0;
    try {
      while (true) {
        int take = size == 0 ? InFlightBudget.REQUEST_OVERHEAD + CHUNK : CHUNK;
        // Announced large, it is large from its first byte: its start does not eat the room kept
        // for small reviews; so is one still to come (InFlightBudget.BODY_ARRIVED).
        boolean large =
            size >= InFlightBudget.SMALL_BODY
                || http.getContentLengthLong() > InFlightBudget.SMALL_BODY
                || !Boolean.TRUE.equals(http.getAttribute(InFlightBudget.BODY_ARRIVED));
        if (!budget.tryTake(take, large)) {
          return new Outcome.Overloaded();
        }
        if (large) {
          reservedLarge += take;
        } else {
          reserved += take;
        }
        byte[] chunk = new byte[CHUNK];
        chunks.add(chunk);
        int filled = 0;
        while (filled < CHUNK) {
          if (System.nanoTime() - end > 0) {
            return new Outcome.TooSlow();
          }
          int n = in.read(chunk, filled, CHUNK - filled);
          if (n < 0) {
            return answerable(http, chunks, size + filled);
          }
          filled += n;
          if (size + filled > limit) {
            return tooLarge(size + filled);
          }
        }
        size += filled;
      }
    } finally {
      // The chunks are garbage once joined; the answer's own reservation covers the body.
      budget.give(reserved, false);
      budget.give(reservedLarge, true);
    }
  }

  /**
   * The whole body, once answering it is reserved (waiting a little for room), and joined while its
   * chunks are still reserved: no moment holds more than is reserved.
   */
  private Outcome answerable(HttpServletRequest http, List<byte[]> chunks, int size) {
    boolean wide = false;
    for (int i = 0; i < chunks.size() && !wide; i++) {
      wide = InFlightBudget.widens(chunks.get(i), Math.min(CHUNK, size - i * CHUNK));
    }
    long cost = InFlightBudget.answerCost(size, wide);
    boolean large = size > InFlightBudget.SMALL_BODY;
    if (!budget.fits(cost, large)) { // it would never find room: "overloaded; retry" misleads
      return new Outcome.TooLarge(
          "answering a body of %d bytes with characters past U+00FF takes %d bytes, over the %d of the in-flight budget"
              .formatted(size, cost, budget.total()));
    }
    try {
      if (!budget.take(cost, large)) {
        return new Outcome.Overloaded();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome.Overloaded();
    }
    var body = new Outcome.Body(join(chunks, size), cost, large, budget);
    RequestContextHolder.currentRequestAttributes()
        .registerDestructionCallback(
            Outcome.Body.class.getName(), body::close, RequestAttributes.SCOPE_REQUEST);
    return body;
  }

  private Outcome tooLarge(long atLeast) {
    return new Outcome.TooLarge(
        "body of %d bytes exceeds the limit of %d bytes".formatted(atLeast, limit));
  }

  private static byte[] join(List<byte[]> chunks, int size) {
    ByteBuffer body = ByteBuffer.allocate(size);
    chunks.forEach(chunk -> body.put(chunk, 0, Math.min(chunk.length, body.remaining())));
    return body.array();
  }
}
