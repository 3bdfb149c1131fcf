package dev.pullsecret.webhook.http;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.Reason;
import dev.pullsecret.webhook.rules.InvalidRulesException;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RulesReloader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;

/** Prometheus metrics of admissions and rule reloads (scraped from the management port). */
@Component
class AdmissionMetrics implements RulesReloader.Listener {

  private final MeterRegistry registry;
  private final Timer latency;
  private final AtomicLong rulesGeneration = new AtomicLong();
  private final AtomicLong lastReloadSucceeded = new AtomicLong(1);

  AdmissionMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.latency =
        Timer.builder("pullsecret.admission.duration")
            .description("Time to answer an admission review, from body read to response bytes")
            .publishPercentileHistogram()
            .register(registry);
    registry.gauge("pullsecret.rules.generation", rulesGeneration);
    registry.gauge("pullsecret.rules.last.reload.success", lastReloadSucceeded);
  }

  void reviewed(AdmissionRequest request, AdmissionDecision decision, long nanos) {
    latency.record(nanos, TimeUnit.NANOSECONDS);
    var key = new AdmissionKey(decision.reason(), request.podNamespace(), request.isDryRun());
    admissions.computeIfAbsent(key, this::admissionCounter).increment();
  }

  /**
   * The counters of {@code pullsecret.admissions}, looked up once per combination of tags: building
   * and registering a meter per request costs a tag sort and the registry's filters every time.
   * Namespaces are few and long-lived, so the map stays small.
   */
  private record AdmissionKey(Reason reason, String namespace, boolean dryRun) {}

  private final Map<AdmissionKey, Counter> admissions = new ConcurrentHashMap<>();

  private Counter admissionCounter(AdmissionKey key) {
    return Counter.builder("pullsecret.admissions")
        .description("Admission reviews answered, by reason")
        .tag("reason", key.reason().name())
        .tag("namespace", String.valueOf(key.namespace()))
        .tag("dry_run", String.valueOf(key.dryRun()))
        .register(registry);
  }

  void refused(HttpStatusCode status) {
    Counter.builder("pullsecret.requests.refused")
        .description("Requests refused before admission (malformed, too large, wrong type)")
        .tag("status", String.valueOf(status.value()))
        .register(registry)
        .increment();
  }

  @Override
  public void loaded(LoadedRules rules) {
    rulesGeneration.set(rules.generation());
    lastReloadSucceeded.set(1);
    reload("loaded");
  }

  @Override
  public void refused(InvalidRulesException error) {
    lastReloadSucceeded.set(0);
    reload("refused");
  }

  private void reload(String result) {
    Counter.builder("pullsecret.rules.reloads")
        .description("Attempts to put new rules in force, by result")
        .tag("result", result)
        .register(registry)
        .increment();
  }
}
