package dev.pullsecret.webhook.recovery;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * At most {@code perMinute} evictions a minute, spread evenly (a token every {@code 60 s /
 * perMinute}, a burst of at most {@code perMinute}): thousands of pods failing at once after an
 * outage are restarted at a pace the cluster's controllers and nodes can take.
 */
final class EvictionRate {

  private final long interval;
  private final long burst;
  private final LongSupplier nanoTime;
  private long available;
  private long lastRefill;

  EvictionRate(int perMinute, LongSupplier nanoTime) {
    if (perMinute < 1) {
      throw new IllegalArgumentException("evictions per minute must be at least 1");
    }
    this.interval = Duration.ofMinutes(1).toNanos() / perMinute;
    this.burst = perMinute;
    this.nanoTime = nanoTime;
    this.available = perMinute;
    this.lastRefill = nanoTime.getAsLong();
  }

  /**
   * Takes one eviction if the rate allows it now, and then returns zero; otherwise returns how long
   * until it will.
   */
  synchronized Duration take() {
    long now = nanoTime.getAsLong();
    long tokens = (now - lastRefill) / interval;
    if (tokens > 0) {
      available = Math.min(burst, available + tokens);
      lastRefill += tokens * interval;
    }
    if (available == 0) {
      return Duration.ofNanos(interval - (now - lastRefill));
    }
    available--;
    return Duration.ZERO;
  }
}
