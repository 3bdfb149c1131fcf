package dev.pullsecret.webhook.recovery;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * At most {@code perMinute} evictions a minute, spread evenly (one every {@code 60 s / perMinute},
 * a burst of at most {@code perMinute}): thousands of pods failing at once after an outage are
 * restarted at a pace the cluster's controllers and nodes can take.
 */
final class EvictionRate {

  private final long interval;
  private final long burst;
  private final LongSupplier nanoTime;

  /** When the next eviction would be due if evictions came one every {@link #interval}. */
  private long due;

  EvictionRate(int perMinute, LongSupplier nanoTime) {
    if (perMinute < 1) {
      throw new IllegalArgumentException("evictions per minute must be at least 1");
    }
    this.interval = Duration.ofMinutes(1).toNanos() / perMinute;
    this.burst = (perMinute - 1) * interval;
    this.nanoTime = nanoTime;
    this.due = nanoTime.getAsLong();
  }

  /**
   * Takes one eviction if the rate allows it now, and then returns zero; otherwise returns how long
   * until it will.
   */
  synchronized Duration take() {
    long now = nanoTime.getAsLong();
    due = Math.max(due, now);
    if (due - now > burst) {
      return Duration.ofNanos(due - now - burst);
    }
    due += interval;
    return Duration.ZERO;
  }
}
