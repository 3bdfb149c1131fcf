package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.ImageReference;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lookups past the {@code max-concurrent} in flight wait for a slot; a tenant whose pods name
 * hundreds of distinct images on a registry that stalls must not make that queue (a virtual thread
 * and a future per image, kept after the cache has dropped its entry) grow with every review.
 */
class LookupQueueTest {

  private static final int MAX_CONCURRENT = 4;
  private static final int IMAGES_PER_POD = 768; // 256 per container list

  private final CountDownLatch stalled = new CountDownLatch(1);
  private final AtomicInteger entered = new AtomicInteger();
  private final DigestResolver resolver =
      new DigestResolver(
          this::lookUp,
          new DigestResolver.Settings(
              null,
              Duration.ofMinutes(1),
              Duration.ofSeconds(10),
              100_000,
              MAX_CONCURRENT,
              null,
              null,
              null),
          LookupObserver.NONE,
          System::nanoTime);

  @AfterEach
  void release() {
    stalled.countDown();
    resolver.close();
  }

  @Test
  void burstOfDistinctStalledImagesQueuesABoundedNumberOfLookups() {
    Map<ImageReference, Optional<RegistryCredential>> all = new LinkedHashMap<>();
    for (int pod = 0; pod < 20; pod++) {
      Map<ImageReference, Optional<RegistryCredential>> images = new LinkedHashMap<>();
      for (int i = 0; i < IMAGES_PER_POD; i++) {
        images.put(
            ImageReference.parse("stall.example/p" + pod + "/i" + i + ":1"), Optional.empty());
      }
      resolver.resolveAll(images, resolver.budget(Duration.ofMillis(20)));
      all.putAll(images);
    }

    // Asked again at once: a finished lookup (found or failed) is a hit, one in flight is not.
    int bound = MAX_CONCURRENT * DigestResolver.WAITING_PER_SLOT + MAX_CONCURRENT;
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(inFlight(all)).isLessThanOrEqualTo(bound));
    assertThat(entered).hasValue(MAX_CONCURRENT);
  }

  private long inFlight(Map<ImageReference, Optional<RegistryCredential>> images) {
    return resolver.resolveAll(images, resolver.budget(Duration.ZERO)).values().stream()
        .filter(answer -> !answer.cached())
        .count();
  }

  private String lookUp(ImageReference image, Optional<RegistryCredential> credential)
      throws RegistryException {
    entered.incrementAndGet();
    try {
      stalled.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new RegistryException(Lookup.Failure.TIMEOUT, "stalled");
  }
}
