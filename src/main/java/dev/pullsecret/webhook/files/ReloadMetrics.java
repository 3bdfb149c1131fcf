package dev.pullsecret.webhook.files;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metrics every reloaded file has: {@code PREFIX.reloads{result=loaded|refused}} and {@code
 * PREFIX.last.reload.success} (1, or 0 while the last new content is refused), e.g. {@code
 * pullsecret_rules_reloads_total} in Prometheus.
 */
public final class ReloadMetrics<T, E> implements FileReloader.Listener<T, E> {

  private final AtomicLong lastReloadSucceeded = new AtomicLong(1);
  private final Counter loaded;
  private final Counter refused;

  /**
   * @param what what is loaded, for the descriptions, e.g. "new rules"
   */
  public ReloadMetrics(MeterRegistry registry, String prefix, String what) {
    Gauge.builder(prefix + ".last.reload.success", lastReloadSucceeded, AtomicLong::get)
        .description("1 if the last " + what + " were put in force, 0 if they were refused")
        .register(registry);
    this.loaded = counter(registry, prefix, what, "loaded");
    this.refused = counter(registry, prefix, what, "refused");
  }

  private static Counter counter(
      MeterRegistry registry, String prefix, String what, String result) {
    return Counter.builder(prefix + ".reloads")
        .description("Attempts to put " + what + " in force, by result")
        .tag("result", result)
        .register(registry);
  }

  @Override
  public void loaded(T value) {
    lastReloadSucceeded.set(1);
    loaded.increment();
  }

  @Override
  public void refused(E error) {
    lastReloadSucceeded.set(0);
    refused.increment();
  }
}
