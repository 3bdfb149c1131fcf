package dev.pullsecret.webhook.rules;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Holds the rules in force. A request reads it once and works on that snapshot, so a reload in the
 * middle of a request can never mix old and new rules.
 */
public final class RulesStore implements Supplier<LoadedRules> {

  private final AtomicReference<LoadedRules> current;
  private final List<Consumer<LoadedRules>> subscribers = new CopyOnWriteArrayList<>();

  public RulesStore(LoadedRules initial) {
    this.current = new AtomicReference<>(initial);
  }

  @Override
  public LoadedRules get() {
    return current.get();
  }

  /** Told every new set of rules put in force (e.g. the sync loop, to reconcile everything). */
  public void subscribe(Consumer<LoadedRules> subscriber) {
    subscribers.add(subscriber);
  }

  void replace(LoadedRules next) {
    current.set(next);
    subscribers.forEach(s -> s.accept(next));
  }
}
