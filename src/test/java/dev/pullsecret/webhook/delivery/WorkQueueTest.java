package dev.pullsecret.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

  @Test
  void handlesAKeyAddedManyTimesWhileWaitingOnce() throws Exception {
    var gate = new CountDownLatch(1);
    var taken = new CountDownLatch(1);
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    try (var queue =
        queue(
            1,
            1,
            10,
            key -> {
              taken.countDown();
              pass(gate);
              runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
              return true;
            })) {
      queue.add("blocker");
      pass(taken); // the one worker holds it: what is added now waits
      for (int i = 0; i < 100; i++) {
        queue.add("ns");
      }
      gate.countDown();

      await().until(() -> runs.containsKey("ns"));
      await().during(Duration.ofMillis(100)).until(() -> runs.get("ns").get() == 1);
    }
  }

  @Test
  void neverHandlesOneKeyOnTwoWorkersAtOnce() {
    var inside = new AtomicInteger();
    var overlaps = new AtomicInteger();
    var runs = new AtomicInteger();
    try (var queue =
        queue(
            4,
            1,
            10,
            key -> {
              if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
              }
              Thread.onSpinWait();
              inside.decrementAndGet();
              runs.incrementAndGet();
              return true;
            })) {
      for (int i = 0; i < 2_000; i++) {
        queue.add("ns");
      }
      // Handled until nothing is left: no worker inside for a while after the first run.
      await().during(Duration.ofMillis(100)).until(() -> runs.get() > 0 && inside.get() == 0);
    }
    assertThat(overlaps).hasValue(0);
  }

  @Test
  void retriesAFailingKeyWithGrowingDelaysUpToTheCap() {
    List<Long> times = new CopyOnWriteArrayList<>();
    try (var queue =
        queue(
            1,
            10,
            40,
            key -> {
              times.add(System.nanoTime());
              return times.size() >= 6;
            })) {
      queue.add("ns");
      await().atMost(Duration.ofSeconds(5)).until(() -> times.size() == 6);
    }
    long[] gaps = new long[5];
    for (int i = 0; i < 5; i++) {
      gaps[i] = TimeUnit.NANOSECONDS.toMillis(times.get(i + 1) - times.get(i));
    }
    // 10, 20, 40, then capped at 40 ms.
    assertThat(gaps[0]).isGreaterThanOrEqualTo(9);
    assertThat(gaps[1]).isGreaterThanOrEqualTo(19);
    assertThat(gaps[2]).isGreaterThanOrEqualTo(39);
    assertThat(gaps[4]).isGreaterThanOrEqualTo(39).isLessThan(1_000);
  }

  @Test
  void aSuccessForgetsTheFailuresBeforeIt() {
    List<Long> times = new CopyOnWriteArrayList<>();
    // runs 1-10 fail, 11 succeeds; added again, 12 fails and 13 succeeds
    try (var queue =
        queue(
            1,
            1,
            60_000,
            key -> {
              times.add(System.nanoTime());
              return times.size() == 11 || times.size() == 13;
            })) {
      queue.add("ns");
      await().atMost(Duration.ofSeconds(10)).until(() -> times.size() == 11);
      queue.add("ns");
      await().atMost(Duration.ofSeconds(10)).until(() -> times.size() == 13);
    }
    // Remembered, the eleventh failure in a row would wait over a second (1 ms doubled ten times);
    // forgotten, one failure waits 1 ms: the bound leaves a loaded machine 999 ms.
    assertThat(TimeUnit.NANOSECONDS.toMillis(times.get(12) - times.get(11))).isLessThan(1_000);
  }

  @Test
  void retriesAKeyWhoseHandlerThrows() {
    var runs = new AtomicInteger();
    try (var queue =
        queue(
            1,
            1,
            5,
            key -> {
              if (runs.incrementAndGet() < 3) {
                throw new IllegalStateException("API server down");
              }
              return true;
            })) {
      queue.add("ns");
      await().until(() -> runs.get() == 3);
    }
  }

  /** A queue named "test" whose retries wait {@code baseMs}, doubling up to {@code maxMs}. */
  private static WorkQueue<String> queue(
      int workers, long baseMs, long maxMs, Predicate<String> handler) {
    return new WorkQueue<>(
        "test", workers, Duration.ofMillis(baseMs), Duration.ofMillis(maxMs), handler);
  }

  private static void pass(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
