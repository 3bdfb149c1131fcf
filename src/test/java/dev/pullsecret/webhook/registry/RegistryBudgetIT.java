package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.registry.Lookup.Failure;
import dev.pullsecret.webhook.testing.WallClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A registry that accepts connections and never answers cannot hold a review past its budget. */
@WallClock
class RegistryBudgetIT {

  private static final Duration BUDGET = Duration.ofMillis(300);

  private ServerSocket stalled;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private DigestResolver resolver;

  @BeforeEach
  void openStalledRegistry() throws IOException {
    stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              while (!stalled.isClosed()) {
                try {
                  accepted.add(stalled.accept()); // kept open, never read from or written to
                } catch (IOException e) {
                  return;
                }
              }
            });
    var settings =
        new DigestResolver.Settings(
            null,
            Duration.ofMinutes(1),
            Duration.ofSeconds(10),
            100,
            8,
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            null);
    resolver = new DigestResolver(settings, LookupObserver.NONE);
  }

  @AfterEach
  void close() throws IOException {
    resolver.close();
    stalled.close();
    for (Socket socket : accepted) {
      socket.close();
    }
  }

  @Test
  void stalledRegistryCostsAReviewNoMoreThanItsBudget() {
    var images =
        Map.of(
            image("app-a:1"), Optional.<RegistryCredential>empty(),
            image("app-b:1"), Optional.<RegistryCredential>empty(),
            image("app-c:1"), Optional.<RegistryCredential>empty());

    long start = System.nanoTime();
    Map<ImageReference, Lookup> results = lookups(images);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isBetween(BUDGET, BUDGET.plusMillis(200));
    assertThat(results.values())
        .hasSize(3)
        .allSatisfy(
            r ->
                assertThat(r)
                    .isInstanceOfSatisfying(
                        Lookup.Failed.class,
                        f -> assertThat(f.failure()).isEqualTo(Failure.TIMEOUT)));
  }

  @Test
  void nextReviewJoinsTheStalledLookupInsteadOfOpeningAnother() {
    var images = Map.of(image("app-a:1"), Optional.<RegistryCredential>empty());
    lookups(images);
    int connections = accepted.size();

    lookups(images);

    assertThat(accepted).hasSize(connections);
  }

  @Test
  void onceALookupHasStalledForAWholeBudgetLaterReviewsDoNotWaitForIt() {
    var images = Map.of(image("app-a:1"), Optional.<RegistryCredential>empty());
    lookups(images);

    long start = System.nanoTime();
    Map<ImageReference, Lookup> second = lookups(images);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofMillis(100));
    assertThat(second.values())
        .singleElement()
        .isInstanceOfSatisfying(
            Lookup.Failed.class, f -> assertThat(f.failure()).isEqualTo(Failure.TIMEOUT));
  }

  /** One review's lookups of {@code images}, within its budget. */
  private Map<ImageReference, Lookup> lookups(
      Map<ImageReference, Optional<RegistryCredential>> images) {
    Map<ImageReference, Lookup> lookups = new java.util.LinkedHashMap<>();
    resolver
        .resolveAll(images, resolver.budget(BUDGET))
        .forEach((image, answer) -> lookups.put(image, answer.lookup()));
    return lookups;
  }

  private ImageReference image(String name) {
    return ImageReference.parse("127.0.0.1:" + stalled.getLocalPort() + "/" + name);
  }
}
