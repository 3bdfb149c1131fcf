package dev.pullsecret.webhook.registry;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.registry.Lookup.Failed;
import dev.pullsecret.webhook.registry.Lookup.Failure;
import dev.pullsecret.webhook.text.Text;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * Resolves the tags of one review's images to digests, in parallel, within its {@link Budget}; a
 * lookup still running at its end carries on and fills the cache, so the next review is a hit.
 *
 * <p>Lookups run on virtual threads (a blocked registry call costs no platform thread), at most
 * {@code maxConcurrent} at a time across all reviews, so a burst of cold images cannot open an
 * unbounded number of connections, and at most {@link #maxWaiting} waiting: pods of made-up images
 * on a stalled registry cannot pile up lookups (a thread and a future each), past it a timeout.
 */
public final class DigestResolver implements AutoCloseable {

  static final int WAITING_PER_SLOT = 16;

  /**
   * Digest lookups of rules with {@code images.resolveDigests} ({@code webhook.digests.*},
   * docs/digests.md).
   *
   * @param budget the longest a review waits for its lookups, all images together
   * @param cacheTtl how long a digest is reused: a tag moved at the registry is seen after that
   * @param failureTtl how long a failure is kept, so a registry that is down is not waited for
   * @param cacheSize most tags kept
   * @param maxConcurrent most lookups in flight at once, all reviews together
   * @param connectTimeout for a new connection to a registry
   * @param requestTimeout for one registry request
   * @param caBundle PEM file of extra CAs for private registries (the JDK's CAs are always trusted)
   */
  public record Settings(
      Duration budget,
      Duration cacheTtl,
      Duration failureTtl,
      int cacheSize,
      int maxConcurrent,
      Duration connectTimeout,
      Duration requestTimeout,
      Path caBundle) {

    /** At most a year: past ~292 years a duration has no count of nanoseconds, no lookup ended. */
    public Settings {
      if (Stream.of(cacheTtl, failureTtl)
          .anyMatch(ttl -> ttl != null && ttl.compareTo(Duration.ofDays(365)) > 0)) {
        throw new IllegalArgumentException(
            "webhook.digests.cache-ttl and failure-ttl are at most 365 days");
      }
    }
  }

  /**
   * Lookups are cached per image and credential: an anonymous lookup's failure must not answer a
   * review that has a credential, nor a digest read with one namespace's credential a review
   * without one.
   */
  private record Key(ImageReference image, Optional<RegistryCredential> credential) {}

  /** The registry request itself: {@link RegistryClient#resolve}, or a stand-in in benchmarks. */
  private final BiFunction<ImageReference, Optional<RegistryCredential>, String> client;

  private final DigestCache<Key> cache;
  private final Semaphore concurrency;
  private final int maxWaiting;

  /** The answer of a lookup that found {@link #admitted} full. */
  private final Lookup turnedAway;

  /** Lookups running or waiting for {@link #concurrency}: {@link #maxWaiting} more than it. */
  private final Semaphore admitted;

  private final LookupObserver observer;
  private final LongSupplier nanoTime;
  private final ExecutorService executor =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("digest-lookup-", 0).factory());

  /** With the webhook's own {@link RegistryClient}, made from {@code settings}. */
  public DigestResolver(Settings settings, LookupObserver observer) {
    this(client(settings)::resolve, settings, observer, System::nanoTime);
  }

  DigestResolver(
      BiFunction<ImageReference, Optional<RegistryCredential>, String> client,
      Settings settings,
      LookupObserver observer,
      LongSupplier nanoTime) {
    this.client = client;
    this.concurrency = new Semaphore(settings.maxConcurrent());
    this.maxWaiting = settings.maxConcurrent() * WAITING_PER_SLOT;
    this.turnedAway =
        Lookup.failed(
            Failure.TIMEOUT,
            "not looked up: over " + maxWaiting + " lookups already wait for a free slot");
    // A lookup turned away is not cached: once the queue has room again (a burst of made-up images
    // over), the next review of a real image looks it up rather than failing for failure-ttl.
    this.cache =
        new DigestCache<>(
            settings,
            nanoTime,
            key -> CompletableFuture.supplyAsync(() -> lookUp(key), executor),
            outcome -> outcome == turnedAway);
    this.admitted = new Semaphore(settings.maxConcurrent() + maxWaiting);
    this.observer = observer;
    this.nanoTime = nanoTime;
  }

  private static RegistryClient client(Settings settings) {
    // A configured bundle is read now, so that a bad one stops the start-up with its reason.
    Optional<SSLContext> bundle =
        Optional.ofNullable(settings.caBundle()).map(ca -> TrustBundle.sslContext(Optional.of(ca)));
    Supplier<SSLContext> tls =
        () -> bundle.orElseGet(() -> TrustBundle.sslContext(Optional.empty()));
    return new RegistryClient(tls, settings.connectTimeout(), settings.requestTimeout());
  }

  /**
   * One review's time for its lookups: every round of them (the mirrors' presence, then digests)
   * ends by the same deadline, so a review waits one budget in all, whatever the registries do.
   *
   * @param length the whole budget, for messages and to tell a stalled lookup
   * @param startedAt when the review's first lookup started ({@code nanoTime})
   */
  public record Budget(Duration length, long startedAt) {}

  public Budget budget(Duration length) {
    return new Budget(length, nanoTime.getAsLong());
  }

  /** What one review got for one image: the lookup, and whether the cache had it (a hit). */
  public record Answer(Lookup lookup, boolean cached) {

    /** As {@link LookupObserver#resolved} counts it. */
    public String digestResult() {
      return lookup instanceof Failed f ? failed(f) : cached ? "hit" : "miss";
    }

    /** As {@link LookupObserver#mirrorChecked} counts it; only {@code present} uses the mirror. */
    public String mirrorResult() {
      return lookup instanceof Failed f ? (f.manifestUnknown() ? "absent" : failed(f)) : "present";
    }

    private static String failed(Failed f) {
      return f.failure() == Failure.TIMEOUT ? "timeout" : "error";
    }
  }

  /**
   * The lookup of every image, each with the credential to use; images not answered by the budget's
   * deadline are {@link Failure#TIMEOUT}.
   */
  public Map<ImageReference, Answer> resolveAll(
      Map<ImageReference, Optional<RegistryCredential>> images, Budget budget) {
    long now = nanoTime.getAsLong();
    Map<ImageReference, DigestCache.Served> served = new LinkedHashMap<>();
    images.forEach(
        (image, credential) -> served.put(image, cache.get(new Key(image, credential), now)));
    Map<ImageReference, Answer> results = new LinkedHashMap<>();
    // A lookup in flight for a whole budget already is stalled: the reviews that joined it have
    // waited their budget; later ones do not wait again until it ends (and its failure is cached),
    // so a registry that stalls costs only the first reviews of an image their budget.
    long stalledBefore = now - budget.length().toNanos();
    long deadline = budget.startedAt() + budget.length().toNanos();
    served.forEach(
        (image, s) -> {
          long until = s.startedAt() - stalledBefore <= 0 ? now : deadline;
          results.put(image, new Answer(await(s, until, image, budget.length()), s.cached()));
        });
    return results;
  }

  private Lookup await(
      DigestCache.Served served, long deadline, ImageReference image, Duration budget) {
    try {
      // A finished lookup is returned at once, past the deadline too; an unfinished one times out.
      return served
          .lookup()
          .get(Math.max(0, deadline - nanoTime.getAsLong()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return Lookup.failed(
          Failure.TIMEOUT,
          "no answer from "
              + RegistryException.where("registry", ManifestUrl.of(image).uri())
              + " within the review's time budget of "
              + RegistryException.time(budget));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Lookup.failed(Failure.TIMEOUT, "interrupted");
    } catch (ExecutionException e) {
      return Lookup.failed(Failure.ERROR, "lookup failed: " + e.getCause());
    }
  }

  private Lookup lookUp(Key key) {
    long start = nanoTime.getAsLong();
    Lookup result;
    if (!admitted.tryAcquire()) {
      return turnedAway;
    }
    try {
      concurrency.acquire();
      try {
        result = new Lookup.Found(client.apply(key.image(), key.credential()));
      } finally {
        concurrency.release();
      }
    } catch (RegistryException e) {
      result = e.lookup();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result = Lookup.failed(Failure.TIMEOUT, "interrupted");
    } catch (RuntimeException e) {
      // Bounded: a JDK message may quote what a registry sent, and the reason is cached.
      result = Lookup.failed(Failure.ERROR, "lookup failed: " + Text.line(e.toString(), 200));
    } finally {
      admitted.release();
    }
    String outcome =
        result instanceof Failed f ? f.failure().name().toLowerCase(Locale.ROOT) : "found";
    observer.requested(outcome, nanoTime.getAsLong() - start);
    return result;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
