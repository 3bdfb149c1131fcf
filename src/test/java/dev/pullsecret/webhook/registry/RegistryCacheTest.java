package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.pullsecret.webhook.image.ImageReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RegistryCacheTest {

  private static final long TTL = Duration.ofMinutes(1).toNanos();
  private static final long FAILURE_TTL = Duration.ofSeconds(5).toNanos();
  private static final ImageReference NGINX = ImageReference.parse("nginx:1.27");
  private static final Lookup FOUND = new Lookup.Found("sha256:" + "a".repeat(64));
  private static final Lookup FAILED = Lookup.failed(Lookup.Failure.ERROR, "503");

  private final AtomicLong now = new AtomicLong(1_000);
  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicReference<CompletableFuture<Lookup>> next = new AtomicReference<>();
  private final DigestCache<ImageReference> cache =
      new DigestCache<>(
          new DigestResolver.Settings(
              null, Duration.ofNanos(TTL), Duration.ofNanos(FAILURE_TTL), 10, 1, null, null, null),
          now::get,
          image -> {
            loads.incrementAndGet();
            return next.get();
          },
          outcome -> false);

  /** Past ~292 years the expiry overflowed in the lookup's completion, which never completed. */
  @Test
  void aTtlOfCenturiesIsRefusedAtStart() {
    Duration centuries = Duration.ofDays(365L * 300);
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> new DigestResolver.Settings(null, centuries, null, 10, 1, null, null, null))
        .withMessageContaining("at most 365 days");
  }

  @Test
  void secondRequestWithinTheTtlIsAHitWithoutALookup() {
    get(NGINX, FOUND);

    DigestCache.Served second = get(NGINX, FOUND);

    assertThat(second.cached()).isTrue();
    assertThat(second.lookup().join()).isEqualTo(FOUND);
    assertThat(loads).hasValue(1);
  }

  @Test
  void digestIsLookedUpAgainOnceTheTtlHasPassed() {
    get(NGINX, FOUND);
    now.addAndGet(TTL);

    assertThat(get(NGINX, FOUND).cached()).isFalse();
    assertThat(loads).hasValue(2);
  }

  @Test
  void failureIsKeptOnlyForTheShorterFailureTtl() {
    get(NGINX, FAILED);
    now.addAndGet(FAILURE_TTL - 1);
    assertThat(get(NGINX, FOUND).cached()).isTrue();

    now.addAndGet(1);

    assertThat(get(NGINX, FOUND).cached()).isFalse();
    assertThat(loads).hasValue(2);
  }

  @Test
  void concurrentRequestsForOneImageMakeOneLookup() throws Exception {
    var pending = new CompletableFuture<Lookup>();
    next.set(pending);
    var start = new CountDownLatch(1);
    List<Future<DigestCache.Served>> served = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(16)) {
      for (int i = 0; i < 16; i++) {
        served.add(
            threads.submit(
                () -> {
                  start.await();
                  return cache.get(NGINX, now.get());
                }));
      }
      start.countDown();
      pending.complete(FOUND);
      for (Future<DigestCache.Served> s : served) {
        assertThat(s.get().lookup().join()).isEqualTo(FOUND);
      }
    }
    assertThat(loads).hasValue(1);
  }

  @Test
  void sizeBoundDropsExpiredThenOldestEntries() {
    for (int i = 0; i < 25; i++) {
      now.incrementAndGet();
      get(ImageReference.parse("registry.corp/app-" + i + ":1"), FOUND);
    }

    // newest first, so that no lookup here adds an entry before the bound is seen
    for (int i = 24; i >= 15; i--) {
      assertThat(get(ImageReference.parse("registry.corp/app-" + i + ":1"), FOUND).cached())
          .isTrue();
    }
    assertThat(get(ImageReference.parse("registry.corp/app-14:1"), FOUND).cached()).isFalse();
  }

  private DigestCache.Served get(ImageReference image, Lookup result) {
    next.set(CompletableFuture.completedFuture(result));
    return cache.get(image, now.get());
  }
}
