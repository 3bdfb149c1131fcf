package dev.pullsecret.webhook.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The eviction rate holds whatever fails at once: a burst of N, then one every minute / N. */
class EvictionRateTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final EvictionRate rate = new EvictionRate(6, now::get);

  @Test
  void aBurstOfTheRateThenOneEveryTenSeconds() {
    int allowed = 0;
    for (int i = 0; i < 1_000; i++) {
      if (rate.take().isZero()) {
        allowed++;
      }
    }
    assertThat(allowed).as("1,000 stuck pods at once").isEqualTo(6);
    assertThat(rate.take()).isEqualTo(Duration.ofSeconds(10));

    now.addAndGet(Duration.ofSeconds(9).toNanos());
    assertThat(rate.take()).isEqualTo(Duration.ofSeconds(1));
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(rate.take()).isZero();
    assertThat(rate.take()).isPositive();
  }

  @Test
  void overAnHourNoMoreThanTheRate() {
    int allowed = 0;
    for (int second = 0; second < 3_600; second++) {
      now.addAndGet(Duration.ofSeconds(1).toNanos());
      while (rate.take().isZero()) {
        allowed++;
      }
    }
    assertThat(allowed).isBetween(360, 366);
  }
}
