package dev.pullsecret.webhook.delivery;

import java.util.LinkedHashMap;
import java.util.Set;

/**
 * A map that binds only the keys it is given and drops the rest as they are read: what a watch
 * keeps of a tenant's annotations, which may be many and large (see {@link CopyFields}).
 */
public class NamedKeysOnly extends LinkedHashMap<String, String> {

  private final Set<String> kept;

  protected NamedKeysOnly(String... kept) {
    this.kept = Set.of(kept);
  }

  @Override
  public String put(String key, String value) {
    return kept.contains(key) ? super.put(key, value) : null;
  }
}
