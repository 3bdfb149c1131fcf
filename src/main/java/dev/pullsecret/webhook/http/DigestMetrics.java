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
 * Metrics of registry lookups: {@code pullsecret_digest_lookups_total{result}} per image of a
 * review whose tag is resolved (hit, miss, error, timeout: error and timeout are the images left as
 * they were), {@code pullsecret_mirror_lookups_total{mirror,result}} per image asked of a {@code
 * when: present} mirror (present, absent, error, timeout: all but present keep the image off that
 * mirror; {@code mirror} is the target as the rules write it, so the series are bounded by the
 * rules), and {@code pullsecret_digest_lookup_seconds{result}}, a histogram of the requests made to
 * registries for either.
 */
class DigestMetrics implements LookupObserver {

  private final MeterRegistry registry;
  private final Map<String, Counter> lookups = new ConcurrentHashMap<>();
  private final Map<String, Timer> requests = new ConcurrentHashMap<>();
  private final Map<MirrorKey, Counter> mirrorLookups = new ConcurrentHashMap<>();

  private record MirrorKey(String mirror, String result) {}

  private static final String[] MIRROR_RESULTS = {"present", "absent", "error", "timeout"};

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
  public void mirrorChecked(String mirror, String result) {
    Counter counter = mirrorLookups.get(new MirrorKey(mirror, result));
    if (counter == null) {
      // A mirror's every result from its first lookup, at 0: an alert on error|timeout sees it.
      for (String each : MIRROR_RESULTS) {
        mirrorLookups.computeIfAbsent(new MirrorKey(mirror, each), this::mirrorCounter);
      }
      counter = mirrorLookups.computeIfAbsent(new MirrorKey(mirror, result), this::mirrorCounter);
    }
    counter.increment();
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

  private Counter mirrorCounter(MirrorKey key) {
    return Counter.builder("pullsecret.mirror.lookups")
        .description("Images a review asked a when: present mirror about, by mirror and result")
        .tag("mirror", key.mirror())
        .tag("result", key.result())
        .register(registry);
  }

  private Timer requestTimer(String result) {
    return Timer.builder("pullsecret.digest.lookup")
        .description("Lookups at registries, digests and mirrors (HEAD manifest, token included)")
        .tag("result", result)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }
}
