package dev.pullsecret.webhook.delivery;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A work queue between informers and writes, shaped like client-go's: a key waits at most once
 * (adding it again while it waits does nothing), a key is handled by one worker at a time (a key
 * added while handled is handled again afterwards), failed keys come back after an exponential
 * back-off with a cap, and a fixed number of workers bounds the load on the API server.
 *
 * <p>The handler returns true when the key converged and false (or throws) to retry it later.
 */
public final class WorkQueue<K> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WorkQueue.class);

  private final ArrayDeque<K> waiting = new ArrayDeque<>();
  private final Set<K> dirty = new HashSet<>();
  private final Set<K> processing = new HashSet<>();
  private final Map<K, Integer> failures = new HashMap<>();
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final List<Thread> workers = new ArrayList<>();
  private boolean closed;

  public WorkQueue(
      String name, int workers, Duration baseDelay, Duration maxDelay, Predicate<K> handler) {
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
    for (int i = 0; i < workers; i++) {
      this.workers.add(
          Thread.ofPlatform().daemon().name(name + "-" + i).start(() -> work(handler)));
    }
  }

  public synchronized void add(K key) {
    if (closed || !dirty.add(key)) {
      return;
    }
    if (!processing.contains(key)) {
      waiting.add(key);
      notifyAll();
    }
  }

  /** Adds {@code key} once {@code delay} has passed (nothing once closed). */
  public void addAfter(K key, Duration delay) {
    CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS)
        .execute(() -> add(key));
  }

  private void work(Predicate<K> handler) {
    for (K key = take(); key != null; key = take()) {
      boolean converged = false;
      try {
        converged = handler.test(key);
      } catch (RuntimeException e) {
        log.warn("Reconcile of {} failed; retrying after a back-off", key, e);
      } finally {
        done(key, converged);
      }
    }
  }

  /** The next key, or null once closed (or interrupted by the close). */
  private synchronized K take() {
    try {
      while (waiting.isEmpty() && !closed) {
        wait();
      }
    } catch (InterruptedException e) {
      return null;
    }
    if (closed) {
      return null;
    }
    K key = waiting.poll();
    dirty.remove(key);
    processing.add(key);
    return key;
  }

  private void done(K key, boolean converged) {
    Integer failed;
    synchronized (this) {
      processing.remove(key);
      failed = failures.compute(key, (k, n) -> converged ? null : n == null ? 1 : n + 1);
      if (dirty.contains(key)) {
        waiting.add(key);
        notifyAll();
      }
    }
    if (failed != null) {
      long delay = baseDelay.toMillis() << Math.min(failed - 1, 30);
      addAfter(key, Duration.ofMillis(Math.min(maxDelay.toMillis(), delay)));
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    workers.forEach(Thread::interrupt);
  }
}
