package dev.pullsecret.webhook.http;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The heap set aside for reviews in flight, in bytes: what a body takes while it is read, then what
 * answering it can take ({@link #answerCost}). Each review reserves before it allocates and gives
 * back when answered; past the budget it waits a little, then is refused 503 with Retry-After. So
 * the heap holds every review in flight by construction, however many clients send at once, and an
 * overload is a clean refusal (the API server's failurePolicy applies to that one call) rather than
 * an OutOfMemoryError that drops every review in flight and restarts the pod.
 */
public final class InFlightBudget {

  /**
   * Answering a review within the pod limits ({@code PodFields}: at most 256 containers per list),
   * on top of the body-proportional part: measured at under 4 MiB allocated for the largest.
   */
  static final long ANSWER_OVERHEAD = 2L * 1024 * 1024;

  /**
   * What a request holds beyond its body's bytes while the body is read (Tomcat's request and
   * response buffers, the virtual thread parked in the read): measured at about 90 KiB. Reserved
   * with the first chunk, so the budget also bounds how many bodies are read at once.
   */
  public static final int REQUEST_OVERHEAD = 96 * 1024;

  /**
   * The body's bytes and its decoded strings: the worst is one string as long as the body, which
   * Jackson holds three times at once (its buffer, the buffer joined, the string), a byte a
   * character in Latin-1 text ({@code InFlightBudgetTest}).
   */
  static final int ANSWER_BODY_FACTOR = 5;

  /**
   * As {@link #ANSWER_BODY_FACTOR} for a body holding a character past U+00FF ({@link #widens}):
   * every string of the text it is in takes two bytes a character, and Jackson's joined buffer is
   * made again when the character comes. Before, such a 4 MiB review reserved 22 MiB and took 53
   * MB.
   */
  static final int WIDE_BODY_FACTOR = 8;

  /** How long a review waits for room once its body is in: well within the API server's 5 s. */
  static final Duration WAIT = Duration.ofSeconds(1);

  /**
   * A body's bytes past this make it large. What reading and answering large bodies takes is also
   * counted against {@link #largeShare}, so the budget always keeps room to read and answer one
   * small review at its largest ({@link #SMALL_REVIEW}): clients looping the largest reviews had
   * the API server's ordinary ones refused 503 (with a fail-open policy: pods admitted without
   * their pull secrets).
   */
  static final int SMALL_BODY = 256 * 1024;

  static final long SMALL_REVIEW = REQUEST_OVERHEAD + SMALL_BODY + answerCost(SMALL_BODY, true);

  /**
   * The request attribute ({@code Boolean}) saying that the whole body came with the request's
   * head, set by the connector ({@code http/tomcat/UnreadBodyDeadline}). Only such a body may be
   * read in the room kept for one small review, as the API server sends a review at once: 300
   * clients sending theirs a byte a second held the whole budget.
   */
  public static final String BODY_ARRIVED = InFlightBudget.class.getName() + ".bodyArrived";

  /**
   * An answer's bytes past this make it large while it is written ({@code
   * BodyReader.Outcome.Body#keepForAnswer}), so slowly read large answers cannot take the room kept
   * for small reviews. The kernel's socket buffers take an answer this size whole even from a
   * client that reads nothing (at least 36 KiB on a 1,500-byte MTU): a small answer is never held.
   */
  static final int SMALL_ANSWER = 16 * 1024;

  private final Semaphore bytes;
  private final Semaphore large;
  private final long total;
  private final long largeShare;

  InFlightBudget(long total) {
    this.total = total;
    this.largeShare = Math.max(0, total - SMALL_REVIEW);
    this.bytes = new Semaphore(Math.toIntExact(total), true);
    this.large = new Semaphore(Math.toIntExact(largeShare), true);
  }

  /**
   * What answering a review with a body of {@code bodyBytes} may take at most, {@code wide} if it
   * holds a character past U+00FF ({@link #widens}).
   */
  static long answerCost(long bodyBytes, boolean wide) {
    return ANSWER_OVERHEAD + (wide ? WIDE_BODY_FACTOR : ANSWER_BODY_FACTOR) * bodyBytes;
  }

  /**
   * Whether the first {@code length} bytes of {@code chunk} start a character past U+00FF in UTF-8
   * (a lead byte from 0xC4 on; or an invalid byte, which the codec refuses).
   */
  static boolean widens(byte[] chunk, int length) {
    for (int i = 0; i < length; i++) {
      if ((chunk[i] & 0xFF) >= 0xC4) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code n} bytes could ever be taken: not more than the budget, or its large share. */
  boolean fits(long n, boolean large) {
    return n <= (large ? largeShare : total);
  }

  /** Takes {@code n} bytes if they are free now, from the large share too if {@code large}. */
  public boolean tryTake(long n, boolean large) {
    if (!fits(n, large)) {
      return false;
    }
    if (large && !this.large.tryAcquire(Math.toIntExact(n))) {
      return false;
    }
    if (bytes.tryAcquire(Math.toIntExact(n))) {
      return true;
    }
    if (large) {
      this.large.release(Math.toIntExact(n));
    }
    return false;
  }

  /** As {@link #tryTake(long, boolean)}, waiting up to {@link #WAIT} in all for the bytes. */
  boolean take(long n, boolean large) throws InterruptedException {
    if (!fits(n, large)) {
      return false;
    }
    long end = System.nanoTime() + WAIT.toNanos();
    if (large && !this.large.tryAcquire(Math.toIntExact(n), WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    boolean taken = false;
    try {
      taken = bytes.tryAcquire(Math.toIntExact(n), end - System.nanoTime(), TimeUnit.NANOSECONDS);
      return taken;
    } finally {
      if (large && !taken) {
        this.large.release(Math.toIntExact(n)); // interrupted too: the share is not lost
      }
    }
  }

  /**
   * Counts {@code n} bytes already taken as small against the large share too, if it has room now;
   * they are then given back with {@code large}. Nothing waits for it: a review waiting for the
   * large share would hold the room kept for small reviews meanwhile.
   */
  boolean tryShareLarge(long n) {
    return n <= largeShare && large.tryAcquire(Math.toIntExact(n));
  }

  /** Gives back {@code n} bytes taken with {@code large} as given. */
  public void give(long n, boolean large) {
    bytes.release(Math.toIntExact(n));
    if (large) {
      this.large.release(Math.toIntExact(n));
    }
  }

  long total() {
    return total;
  }
}
