package dev.pullsecret.webhook.rules;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Holds the rules in force. A request reads it once and works on that snapshot, so a reload in the
 * middle of a request can never mix old and new rules.
 */
public final class RulesStore implements Supplier<LoadedRules> {

  private final AtomicReference<LoadedRules> current;

  public RulesStore(LoadedRules initial) {
    this.current = new AtomicReference<>(initial);
  }

  @Override
  public LoadedRules get() {
    return current.get();
  }

  void replace(LoadedRules next) {
    current.set(next);
  }
}
