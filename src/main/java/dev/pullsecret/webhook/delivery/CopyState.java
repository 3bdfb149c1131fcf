package dev.pullsecret.webhook.delivery;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The state of one wanted copy (a pull secret in a namespace), as counted in metrics. */
enum CopyState {
  /** The copy holds the source's current content. */
  SYNCED,
  /** A create or update is under way or waiting for a retry. */
  PENDING,
  /** No copy, and none can be made: the source does not exist. */
  MISSING,
  /** The copy is kept but its source is gone: it holds the last content seen. */
  SOURCE_MISSING,
  /** A Secret of that name exists and is not ours: left untouched. */
  CONFLICT,
  /** The source has problems: copied anyway if it is a pull-secret type, else not copied. */
  INVALID_SOURCE,
  /**
   * The webhook may not watch or update Secrets of that name (its RBAC does not cover it): no copy
   * is made, as none could be kept in sync.
   */
  FORBIDDEN;

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The state of every wanted copy after the last reconcile of its namespace: the source of the
   * {@code pullsecret_secret_copies} gauge and of the conflicts that admission must not call
   * missing.
   */
  static final class Table {

    private final Map<String, Map<String, CopyState>> byNamespace = new ConcurrentHashMap<>();

    void put(String namespace, Map<String, CopyState> states) {
      if (states.isEmpty()) {
        byNamespace.remove(namespace);
      } else {
        byNamespace.put(namespace, Map.copyOf(states));
      }
    }

    void forget(String namespace) {
      byNamespace.remove(namespace);
    }

    Optional<CopyState> get(String namespace, String name) {
      return Optional.ofNullable(byNamespace.getOrDefault(namespace, Map.of()).get(name));
    }

    long count(CopyState state) {
      return byNamespace.values().stream()
          .flatMap(m -> m.values().stream())
          .filter(state::equals)
          .count();
    }
  }
}
