package dev.pullsecret.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.ResolvedDigests;
import dev.pullsecret.webhook.registry.DigestResolver;
import dev.pullsecret.webhook.registry.LookupObserver;
import dev.pullsecret.webhook.registry.RegistryCredentials;
import dev.pullsecret.webhook.rules.ImageOptions;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.RuleMode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A review the HTTP layer does not let wait ({@link DigestLookup#MAY_WAIT}: the in-flight budget's
 * large share is full) waits for no registry: a tenant's registry that never answers must not hold
 * it, and the room it has in the budget, for the lookup budget.
 */
class DigestWaitTest {

  private static final Duration BUDGET = Duration.ofSeconds(3);

  private final ServerSocket silent = silentRegistry();
  private final DigestResolver resolver =
      new DigestResolver(
          new DigestResolver.Settings(
              BUDGET,
              Duration.ofMinutes(1),
              Duration.ofSeconds(10),
              100,
              4,
              Duration.ofSeconds(10),
              Duration.ofSeconds(10),
              null),
          LookupObserver.NONE);
  private final DigestLookup lookup =
      new DigestLookup(resolver, RegistryCredentials.ANONYMOUS, BUDGET, LookupObserver.NONE);
  private final NamespaceRule rule =
      new NamespaceRule(
          "r",
          List.of(),
          Optional.empty(),
          List.of(),
          List.of(),
          ImageOptions.NONE,
          RuleMode.ENFORCE);

  @AfterEach
  void close() throws IOException {
    resolver.close();
    silent.close();
  }

  @Test
  void aReviewThatMayNotWaitAsksOnceAndIsAnsweredAtOnce() throws Exception {
    ImageReference image =
        ImageReference.parse("127.0.0.1:" + silent.getLocalPort() + "/team/app:1.0");
    AtomicInteger asked = new AtomicInteger();
    long start = System.nanoTime();

    ResolvedDigests resolved =
        ScopedValue.where(
                DigestLookup.MAY_WAIT,
                () -> {
                  asked.incrementAndGet();
                  return false;
                })
            .call(() -> lookup.forReview(rule).digests(Set.of(image)));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BUDGET.dividedBy(3));
    assertThat(resolved.failure(image))
        .hasValueSatisfying(f -> assertThat(f).startsWith("timeout"));
    assertThat(asked).hasValue(1);
  }

  /**
   * A pod of hundreds of distinct images to pin would take every lookup slot of the process (and
   * push real images out of the cache): one review asks for the digests of at most 128.
   */
  @Test
  void aReviewAsksForTheDigestsOfABoundedNumberOfImages() {
    Set<ImageReference> images = new java.util.LinkedHashSet<>();
    for (int i = 0; i < 200; i++) {
      images.add(ImageReference.parse("127.0.0.1:" + silent.getLocalPort() + "/app-" + i + ":1"));
    }

    ResolvedDigests resolved =
        ScopedValue.where(DigestLookup.MAY_WAIT, () -> false)
            .call(() -> lookup.forReview(rule).digests(images));

    assertThat(images)
        .filteredOn(i -> resolved.failure(i).orElseThrow().contains("over 128 images to resolve"))
        .hasSize(200 - DigestLookup.MAX_LOOKUPS);
    assertThat(images).allSatisfy(i -> assertThat(resolved.failure(i)).isPresent());
  }

  /** Accepts connections (its backlog holds them) and never answers, not even a TLS hello. */
  private static ServerSocket silentRegistry() {
    try {
      return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
