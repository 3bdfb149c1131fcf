package dev.pullsecret.webhook.http;

import dev.pullsecret.webhook.registry.LookupObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Metrics of digest lookups: {@code pullsecret_digest_lookups_total{result}} per image of a review
 * (hit, miss, error, timeout: error and timeout are the images left as they were), and {@code
 * pullsecret_digest_lookup_seconds{result}}, a histogram of the requests made to registries.
 */
class DigestMetrics implements LookupObserver {

  private final MeterRegistry registry;
  private final Map<String, Counter> lookups = new ConcurrentHashMap<>();
  private final Map<String, Timer> requests = new ConcurrentHashMap<>();

  DigestMetrics(MeterRegistry registry) {
    this.registry = registry;
    // Every series exists from the start, at 0: rate() and alerts see a registry that has never
    // failed rather than no data.
    for (String result : new String[] {"hit", "miss", "error", "timeout"}) {
      lookups.computeIfAbsent(result, this::lookupCounter);
    }
    for (String result : new String[] {"found", "refused", "error", "timeout"}) {
      requests.computeIfAbsent(result, this::requestTimer);
    }
  }

  @Override
  public void resolved(String result) {
    lookups.computeIfAbsent(result, this::lookupCounter).increment();
  }

  @Override
  public void requested(String result, long nanos) {
    requests.computeIfAbsent(result, this::requestTimer).record(nanos, TimeUnit.NANOSECONDS);
  }

  private Counter lookupCounter(String result) {
    return Counter.builder("pullsecret.digest.lookups")
        .description("Images whose tag a review resolved to a digest, by result")
        .tag("result", result)
        .register(registry);
  }

  private Timer requestTimer(String result) {
    return Timer.builder("pullsecret.digest.lookup")
        .description("Digest lookups at registries (HEAD manifest, token included)")
        .tag("result", result)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }
}
