package dev.pullsecret.webhook.http;

import dev.pullsecret.webhook.config.WebhookProperties;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a review's body within the in-flight budget and the read deadline.
 *
 * <ul>
 *   <li>In chunks, each reserved before it is allocated: a body takes heap as its bytes arrive, not
 *       as its Content-Length announces (a hundred clients announcing 4 MiB and sending a byte now
 *       and then hold a chunk each, not 400 MiB). The first reservation also covers what the
 *       request itself holds meanwhile ({@link InFlightBudget#REQUEST_OVERHEAD}).
 *   <li>Under one deadline for the whole body, however the bytes are paced; Tomcat's read timeout
 *       only bounds the wait for each next byte.
 *   <li>At most {@code limit + 1} bytes, so an over-long body is seen without being buffered.
 * </ul>
 *
 * <p>Blocking reads park a virtual thread ({@code spring.threads.virtual.enabled}), so clients that
 * send slowly hold no platform thread.
 */
class BodyReader {

  static final int CHUNK = 16 * 1024;

  /** The outcome of a read: the body, or why there is none. */
  sealed interface Outcome {
    /** The body, and the reservation for answering it, to give back once answered. */
    record Body(byte[] bytes, long reserved) implements Outcome {}

    record TooLarge(long atLeast) implements Outcome {}

    /** The budget had no room for the next chunk, or for answering. */
    record Overloaded() implements Outcome {}

    record TooSlow(Duration deadline) implements Outcome {}
  }

  private final InFlightBudget budget;
  private final Duration deadline;

  BodyReader(InFlightBudget budget, WebhookProperties properties) {
    this.budget = budget;
    this.deadline = properties.readDeadline();
  }

  Outcome read(InputStream in, int limit, long startNanos) throws IOException {
    long end = startNanos + deadline.toNanos();
    List<byte[]> chunks = new ArrayList<>();
    long reserved = 0;
    int size = 0;
    try {
      while (true) {
        int take = reserved == 0 ? InFlightBudget.REQUEST_OVERHEAD + CHUNK : CHUNK;
        if (!budget.tryTake(take)) {
          return new Outcome.Overloaded();
        }
        reserved += take;
        byte[] chunk = new byte[CHUNK];
        chunks.add(chunk);
        int filled = 0;
        while (filled < CHUNK) {
          if (System.nanoTime() - end > 0) {
            return new Outcome.TooSlow(deadline);
          }
          int n = in.read(chunk, filled, CHUNK - filled);
          if (n < 0) {
            return answerable(chunks, size + filled);
          }
          filled += n;
          if (size + filled > limit) {
            return new Outcome.TooLarge(size + filled);
          }
        }
        size += filled;
      }
    } finally {
      // The chunks are garbage once joined; the answer's own reservation covers the body.
      budget.give(reserved);
    }
  }

  /**
   * The whole body, once answering it is reserved (waiting a little for room), and joined while its
   * chunks are still reserved: no moment holds more than is reserved.
   */
  private Outcome answerable(List<byte[]> chunks, int size) {
    long cost = InFlightBudget.answerCost(size);
    try {
      if (!budget.take(cost)) {
        return new Outcome.Overloaded();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome.Overloaded();
    }
    return new Outcome.Body(join(chunks, size), cost);
  }

  private static byte[] join(List<byte[]> chunks, int size) {
    byte[] body = new byte[size];
    int at = 0;
    for (byte[] chunk : chunks) {
      int n = Math.min(chunk.length, size - at);
      System.arraycopy(chunk, 0, body, at, n);
      at += n;
    }
    return body;
  }
}
