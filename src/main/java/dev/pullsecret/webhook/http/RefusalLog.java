package dev.pullsecret.webhook.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log lines of refused requests, at most {@link #PER_SECOND} a second for each status; the
 * first line of the next second says how many were left out ({@code
 * pullsecret_requests_refused_total} counts them all). A refusal does not always end the connection
 * (a 415 keeps it open), so one client looping a wrong Content-Type on one connection wrote 2,500
 * lines (500 KB) a second: enough to rotate every earlier line out of the container's log within
 * seconds, and to take CPU from admissions.
 *
 * @param nanos the clock, {@link System#nanoTime} but in tests
 */
record RefusalLog(LongSupplier nanos, Map<Integer, Window> windows) {

  private static final Logger log = LoggerFactory.getLogger(AdmissionEndpoint.class);

  static final int PER_SECOND = 10;

  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  RefusalLog() {
    this(System::nanoTime, new ConcurrentHashMap<>());
  }

  /** One second of one status's refusals: when it began, how many, how many left out before. */
  record Window(long start, int count, long leftOutBefore) {}

  /** Logs that a request was refused with {@code status}, unless too many were this second. */
  void refused(int status, String detail) {
    long now = nanos.getAsLong();
    Window window =
        windows.compute(
            status,
            (s, w) ->
                w == null
                    ? new Window(now, 1, 0)
                    : now - w.start() >= SECOND
                        ? new Window(now, 1, Math.max(0, w.count() - PER_SECOND))
                        : new Window(w.start(), w.count() + 1, w.leftOutBefore()));
    if (window.count() > PER_SECOND) {
      return;
    }
    if (window.count() == 1 && window.leftOutBefore() > 0) {
      log.warn(
          "Refused a review with {}: {} ({} more refused with {} in the second before were not"
              + " logged)",
          status,
          detail,
          window.leftOutBefore(),
          status);
    } else {
      log.warn("Refused a review with {}: {}", status, detail);
    }
  }
}
