package dev.pullsecret.webhook.http;

import dev.pullsecret.webhook.registry.LookupObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Metrics of digest lookups: {@code pullsecret_digest_lookups_total{result}} per image of a review
 * (hit, miss, error, timeout: error and timeout are the images left as they were), and {@code
 * pullsecret_digest_lookup_seconds{result}}, a histogram of the requests made to registries.
 */
@Component
class DigestMetrics implements LookupObserver {

  private final MeterRegistry registry;
  private final Map<String, Counter> lookups = new ConcurrentHashMap<>();
  private final Map<String, Timer> requests = new ConcurrentHashMap<>();

  DigestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void resolved(String result) {
    lookups
        .computeIfAbsent(
            result,
            r ->
                Counter.builder("pullsecret.digest.lookups")
                    .description("Images whose tag a review resolved to a digest, by result")
                    .tag("result", r)
                    .register(registry))
        .increment();
  }

  @Override
  public void requested(String result, long nanos) {
    requests
        .computeIfAbsent(
            result,
            r ->
                Timer.builder("pullsecret.digest.lookup")
                    .description("Digest lookups at registries (HEAD manifest, token included)")
                    .tag("result", r)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
