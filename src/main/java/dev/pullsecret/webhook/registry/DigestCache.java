package dev.pullsecret.webhook.registry;

import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Tag to digest, for {@link DigestResolver.Settings}' TTLs (keyed by {@code K}: the image, and who
 * asks for it). An entry is in flight from the first request for a reference until the registry
 * answers; every request for it meanwhile gets the same future, so concurrent reviews of one image
 * make one registry request.
 *
 * <p>A hit is a map read, a clock read and a volatile read: no lock, no allocation. The bound is
 * enforced on insertion: expired entries go first, then the oldest tenth, so a full cache costs one
 * sort per tenth of its size, not one per miss.
 */
final class DigestCache<K> {

  /**
   * @param cached served by a finished entry, rather than by joining one in flight or by a lookup
   * @param startedAt when the lookup started ({@code nanoTime}), to tell a stalled one
   */
  record Served(CompletableFuture<Lookup> lookup, boolean cached, long startedAt) {}

  private static final class Entry {
    final CompletableFuture<Lookup> lookup = new CompletableFuture<>();
    final long createdAt;
    volatile long expiresAt = Long.MAX_VALUE; // in flight until the lookup completes

    Entry(long createdAt) {
      this.createdAt = createdAt;
    }
  }

  private final Map<K, Entry> entries = new ConcurrentHashMap<>();
  private final DigestResolver.Settings settings;
  private final LongSupplier nanoTime;

  /** Starts a lookup, once per miss and outside any lock; its future must always complete. */
  private final Function<K, CompletableFuture<Lookup>> load;

  /** Outcomes not kept: they say nothing of the image (a lookup turned away for want of a slot). */
  private final Predicate<Lookup> forgotten;

  DigestCache(
      DigestResolver.Settings settings,
      LongSupplier nanoTime,
      Function<K, CompletableFuture<Lookup>> load,
      Predicate<Lookup> forgotten) {
    if (settings.cacheSize() < 1) {
      throw new IllegalArgumentException("cacheSize must be positive, got " + settings.cacheSize());
    }
    this.settings = settings;
    this.nanoTime = nanoTime;
    this.load = load;
    this.forgotten = forgotten;
  }

  /** The lookup of {@code image} at {@code now} (the caller's clock): cached, joined or started. */
  Served get(K image, long now) {
    Entry entry = entries.get(image);
    if (entry != null && now - entry.expiresAt < 0) {
      return served(entry);
    }
    Entry mine = new Entry(now);
    Entry winner =
        entries.compute(image, (k, old) -> old != null && now - old.expiresAt < 0 ? old : mine);
    if (winner != mine) {
      return served(winner);
    }
    evictIfFull();
    load.apply(image)
        .whenComplete(
            (result, error) -> {
              Lookup outcome =
                  error == null
                      ? result
                      : Lookup.failed(Lookup.Failure.ERROR, "lookup failed: " + error);
              Duration ttl =
                  forgotten.test(outcome)
                      ? Duration.ZERO
                      : outcome instanceof Lookup.Found
                          ? settings.cacheTtl()
                          : settings.failureTtl();
              mine.expiresAt = nanoTime.getAsLong() + ttl.toNanos();
              mine.lookup.complete(outcome);
            });
    return new Served(mine.lookup, false, now);
  }

  private static Served served(Entry entry) {
    return new Served(entry.lookup, entry.lookup.isDone(), entry.createdAt);
  }

  private void evictIfFull() {
    int maxEntries = settings.cacheSize();
    if (entries.size() <= maxEntries) {
      return;
    }
    long now = nanoTime.getAsLong();
    entries.values().removeIf(e -> now - e.expiresAt >= 0);
    int excess = entries.size() - maxEntries;
    if (excess <= 0) {
      return;
    }
    entries.entrySet().stream()
        .sorted(Map.Entry.comparingByValue(Comparator.comparingLong(e -> e.createdAt)))
        .limit(Math.max(excess, maxEntries / 10))
        .forEach(e -> entries.remove(e.getKey(), e.getValue()));
  }
}
