package dev.pullsecret.webhook.delivery;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of every wanted copy after the last reconcile of its namespace: the source of the
 * {@code pullsecret_secret_copies} gauge and of the conflicts that admission must not call missing.
 */
final class CopyStates {

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
