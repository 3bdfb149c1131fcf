package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.SecretSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Metrics of delivery, named for the alerts that use them: {@code pullsecret_secret_copies{state}},
 * {@code pullsecret_secret_sync_errors_total}, {@code pullsecret_secret_sync_seconds}, {@code
 * pullsecret_secret_missing_at_admission_total} and {@code pullsecret_secret_source_problems}.
 * States and codes are counted, never namespaces or messages.
 */
class SyncMetrics {

  private final MeterRegistry registry;
  private final Counter errors;
  private final Timer reconcile;
  private final Map<SecretSource, Long> sourceProblems = new ConcurrentHashMap<>();

  /**
   * The state of every wanted copy after the last reconcile of its namespace, by namespace and
   * name: what the copies gauge counts, and the conflicts that admission must not call missing.
   */
  private final Map<String, Map<String, CopyState>> copies = new ConcurrentHashMap<>();

  SyncMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (CopyState state : CopyState.values()) {
      Gauge.builder(
              "pullsecret.secret.copies",
              copies,
              m ->
                  m.values().stream()
                      .flatMap(c -> c.values().stream())
                      .filter(state::equals)
                      .count())
          .description("Wanted copies of pull secrets by state, after the last reconcile")
          .tag("state", state.label())
          .register(registry);
    }
    this.errors =
        Counter.builder("pullsecret.secret.sync.errors")
            .description("Calls to the API server that failed while syncing copies")
            .register(registry);
    this.reconcile =
        Timer.builder("pullsecret.secret.sync")
            .description("Time to reconcile one namespace's copies, writes included")
            .publishPercentileHistogram()
            .register(registry);
    Gauge.builder(
            "pullsecret.secret.source.problems",
            sourceProblems,
            m -> m.values().stream().mapToLong(Long::longValue).sum())
        .description("Problems found in source Secrets at their last check")
        .register(registry);
  }

  void apiError() {
    errors.increment();
  }

  /** The states of {@code namespace}'s wanted copies after a reconcile; none when it is gone. */
  void reconciled(String namespace, Map<String, CopyState> states) {
    if (states.isEmpty()) {
      copies.remove(namespace);
    } else {
      copies.put(namespace, Map.copyOf(states));
    }
  }

  void reconciled(Duration took) {
    reconcile.record(took);
  }

  boolean isConflict(String namespace, String name) {
    return copies.getOrDefault(namespace, Map.of()).get(name) == CopyState.CONFLICT;
  }

  /** Registered on first use, found again in the registry after (names from the rules). */
  void missingAtAdmission(String secret) {
    Counter.builder("pullsecret.secret.missing.at.admission")
        .description("Pods admitted with a delivered secret missing in their namespace")
        .tag("secret", secret)
        .register(registry)
        .increment();
  }

  void sourceChecked(SecretSource source, int problems) {
    sourceProblems.put(source, (long) problems);
  }

  void sourceDropped(SecretSource source) {
    sourceProblems.remove(source);
  }

  /** The sources checked so far: after new rules, each is checked again, or dropped. */
  Set<SecretSource> checkedSources() {
    return Set.copyOf(sourceProblems.keySet());
  }
}
