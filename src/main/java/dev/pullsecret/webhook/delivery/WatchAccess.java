package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of a set of watches the webhook's RBAC refuses (403), for watches opened one name at a
 * time: a refused watch keeps retrying, is told once when it becomes refused and once when it is
 * allowed again, and is left out of "synced", so the others go on (docs/secret-delivery.md,
 * "Access").
 *
 * @param <K> what a watch is of (a copy name, a source)
 */
final class WatchAccess<K> {

  private static final Logger log = LoggerFactory.getLogger(WatchAccess.class);

  private final Set<K> forbidden = ConcurrentHashMap.newKeySet();
  private final Consumer<K> changed;

  /**
   * @param changed told a watch that became forbidden or allowed (from an informer's thread)
   */
  WatchAccess(Consumer<K> changed) {
    this.changed = changed;
  }

  /** The exception handler of the watch of {@code key}: retry always, note a 403. */
  ExceptionHandler handler(K key, String what) {
    return (started, error) -> {
      if (forbidden(error)) {
        if (forbidden.add(key)) {
          log.warn(
              "Not allowed to watch {}: the webhook's RBAC does not cover it, so it is left out"
                  + " (retrying; docs/secret-delivery.md, Access)",
              what);
          changed.accept(key);
        }
      } else {
        log.warn("Watch of {} failed ({}); retrying", what, error.toString());
      }
      return true;
    };
  }

  /** A 403 from the API server, as the informer reports it (wrapped in a CompletionException). */
  private static boolean forbidden(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException e && e.getCode() == 403) {
        return true;
      }
    }
    return false;
  }

  /** The watch of {@code key} listed or saw an event: it is allowed. */
  void allowed(K key) {
    if (forbidden.remove(key)) {
      log.info("Now allowed to watch {}", key);
      changed.accept(key);
    }
  }

  boolean isForbidden(K key) {
    return forbidden.contains(key);
  }

  /** The watch of {@code key} is closed: nothing more to say of it. */
  void forget(K key) {
    forbidden.remove(key);
  }
}
