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

    // Asked again: those turned away are turned away again at once (not cached, as they say
    // nothing of the image), and only the lookups admitted before are still waiting.
    int bound = MAX_CONCURRENT * DigestResolver.WAITING_PER_SLOT + MAX_CONCURRENT;
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(waiting(all)).isLessThanOrEqualTo(bound));
    assertThat(entered).hasValue(MAX_CONCURRENT);
  }

  /**
   * A burst that fills the queue is over: an image turned away during it is looked up by the next
   * review, not answered from a cached failure for failure-ttl (10 s here).
   */
  @Test
  void anImageTurnedAwayIsLookedUpOnceTheQueueHasRoom() {
    Map<ImageReference, Optional<RegistryCredential>> burst = new LinkedHashMap<>();
    for (int i = 0; i < MAX_CONCURRENT * (DigestResolver.WAITING_PER_SLOT + 1); i++) {
      burst.put(ImageReference.parse("stall.example/i" + i + ":1"), Optional.empty());
    }
    resolver.resolveAll(burst, resolver.budget(Duration.ZERO));
    var real =
        Map.of(ImageReference.parse("real.example/app:1"), Optional.<RegistryCredential>empty());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                detail(resolver.resolveAll(real, resolver.budget(Duration.ofMillis(50))))
                    .contains("already wait"));

    stalled.countDown();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                resolver.resolveAll(real, resolver.budget(Duration.ofMillis(50))).values().stream()
                    .allMatch(answer -> answer.lookup() instanceof Lookup.Found));
  }

  /**
   * A lookup that fails with an exception the client does not expect is answered with its words,
   * bounded: a JDK message may quote what a registry sent (a URI of 16 KiB), and the reason is
   * cached for failure-ttl, each entry reckoned at ~2 KiB.
   */
  @Test
  void unexpectedFailureIsAnsweredWithABoundedReason() {
    var image =
        Map.of(ImageReference.parse("throws.example/app:1"), Optional.<RegistryCredential>empty());

    String detail = detail(resolver.resolveAll(image, resolver.budget(Duration.ofSeconds(5))));

    assertThat(detail)
        .startsWith("lookup failed: java.lang.IllegalArgumentException: xxx")
        .hasSizeLessThan(400);
  }

  private static String detail(Map<ImageReference, DigestResolver.Answer> answers) {
    return answers.values().stream()
        .map(answer -> answer.lookup() instanceof Lookup.Failed f ? f.detail() : "found")
        .findFirst()
        .orElseThrow();
  }

  /** Lookups still waiting for their registry (not answered, nor turned away) within 200 ms. */
  private long waiting(Map<ImageReference, Optional<RegistryCredential>> images) {
    return resolver.resolveAll(images, resolver.budget(Duration.ofMillis(200))).values().stream()
        .filter(answer -> !answer.cached())
        .filter(
            answer ->
                !(answer.lookup() instanceof Lookup.Failed f
                    && f.detail().contains("already wait")))
        .count();
  }

  private String lookUp(ImageReference image, Optional<RegistryCredential> credential)
      throws RegistryException {
    if (image.toString().startsWith("real.example") && stalled.getCount() == 0) {
      return "sha256:" + "a".repeat(64);
    }
    if (image.toString().startsWith("throws.example")) {
      throw new IllegalArgumentException("x".repeat(100_000));
    }
    entered.incrementAndGet();
    try {
      stalled.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new RegistryException(Lookup.Failure.TIMEOUT, "stalled");
  }
}
