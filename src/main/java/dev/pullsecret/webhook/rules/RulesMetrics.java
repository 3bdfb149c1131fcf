package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.files.FileReloader;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus metrics of the rules in force: {@code pullsecret_rules_generation}, {@code
 * pullsecret_rules_info{version}} and the reload metrics every reloaded file has ({@link
 * FileReloader#metrics}: {@code pullsecret_rules_reloads_total}, {@code
 * pullsecret_rules_last_reload_success}).
 */
public final class RulesMetrics implements RulesStore.Listener {

  private final FileReloader.Listener<Object, Object> reloads;
  private final AtomicLong generation = new AtomicLong();
  private final MultiGauge info;

  public RulesMetrics(MeterRegistry registry) {
    this.reloads = FileReloader.metrics(registry, "pullsecret.rules", "new rules");
    Gauge.builder("pullsecret.rules.generation", generation, AtomicLong::get)
        .description("Loads of the rules since start, the first included")
        .register(registry);
    this.info =
        MultiGauge.builder("pullsecret.rules.info")
            .description("The rules in force: 1, labelled with their version (generation/digest)")
            .register(registry);
  }

  @Override
  public synchronized void loaded(LoadedRules rules) {
    // The version as a label, as in the audit annotation rules-version, so a dashboard can tell
    // which rules answered; one series at a time, the previous one is removed (overwrite).
    info.register(List.of(MultiGauge.Row.of(Tags.of("version", rules.version()), 1)), true);
    generation.set(rules.generation());
    reloads.loaded(rules);
  }

  @Override
  public void refused(InvalidRulesException error) {
    reloads.refused(error);
  }
}
