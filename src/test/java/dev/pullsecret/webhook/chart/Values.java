package dev.pullsecret.webhook.chart;

import java.util.LinkedHashMap;
import java.util.Map;

/** Chart values from dotted paths, as with {@code --set}, but keeping lists and maps typed. */
final class Values {

  private Values() {}

  /** {@code of("certificates.mode", "certManager", "replicaCount", 3)}. */
  static Map<String, Object> of(Object... pathsAndValues) {
    if (pathsAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("paths and values must come in pairs");
    }
    Map<String, Object> root = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndValues.length; i += 2) {
      String[] keys = ((String) pathsAndValues[i]).split("\\.");
      Map<String, Object> node = root;
      for (int k = 0; k < keys.length - 1; k++) {
        @SuppressWarnings("unchecked")
        var child =
            (Map<String, Object>) node.computeIfAbsent(keys[k], key -> new LinkedHashMap<>());
        node = child;
      }
      node.put(keys[keys.length - 1], pathsAndValues[i + 1]);
    }
    return root;
  }
}
