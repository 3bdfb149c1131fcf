package dev.pullsecret.webhook.http;

import dev.pullsecret.webhook.config.WebhookProperties;
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
   * Answering a review within the pod limits ({@code PodFields}: at most 256 containers per list):
   * the decoded pod, the mutation and the answer, measured at under 4 MiB allocated for the largest
   * (docs/failure-semantics.md). Reserved on top of the body-proportional part.
   */
  static final long ANSWER_OVERHEAD = 2L * 1024 * 1024;

  /**
   * What a request holds beyond its body's bytes while the body is read: Tomcat's request and
   * response with their buffers (the servlet's 8 KiB byte and 16 KiB char buffers each way) and the
   * virtual thread parked in the read. Measured at about 90 KiB per client sending its body slowly,
   * above one still sending its headers (docs/failure-semantics.md). Reserved with the first chunk,
   * so the budget also bounds how many bodies are read at once, however slowly they come.
   */
  public static final int REQUEST_OVERHEAD = 96 * 1024;

  /**
   * The body's bytes, its text (up to two bytes a character, and Jackson's copy of it: the codec
   * decodes the body before parsing), its decoded strings and their copies into the patch and the
   * answer.
   */
  static final int ANSWER_BODY_FACTOR = 5;

  /** How long a review waits for room once its body is in: well within the API server's 5 s. */
  static final Duration WAIT = Duration.ofSeconds(1);

  private final Semaphore bytes;
  private final long total;

  public InFlightBudget(WebhookProperties properties) {
    this.total = properties.inFlightBudget().toBytes();
    this.bytes = new Semaphore(Math.toIntExact(total), true);
  }

  /** What answering a review with a body of {@code bodyBytes} may take at most. */
  static long answerCost(long bodyBytes) {
    return ANSWER_OVERHEAD + ANSWER_BODY_FACTOR * bodyBytes;
  }

  /** Takes {@code n} bytes if they are free now. */
  public boolean tryTake(long n) {
    return n <= total && bytes.tryAcquire(Math.toIntExact(n));
  }

  /** Takes {@code n} bytes, waiting up to {@link #WAIT} for them. */
  boolean take(long n) throws InterruptedException {
    return n <= total && bytes.tryAcquire(Math.toIntExact(n), WAIT.toNanos(), TimeUnit.NANOSECONDS);
  }

  public void give(long n) {
    bytes.release(Math.toIntExact(n));
  }

  long total() {
    return total;
  }
}
