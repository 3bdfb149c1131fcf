package dev.pullsecret.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The registry lookups' series: there from the start (or a mirror's first lookup), at 0. */
class AdmissionMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AdmissionMetrics metrics = new AdmissionMetrics(registry);

  @Test
  void digestLookupSeriesExistAtZeroBeforeAnyLookup() {
    for (String result : new String[] {"hit", "miss", "error", "timeout"}) {
      assertThat(registry.get("pullsecret.digest.lookups").tag("result", result).counter().count())
          .as(result)
          .isZero();
    }
    for (String result : new String[] {"found", "refused", "error", "timeout"}) {
      assertThat(registry.get("pullsecret.digest.lookup").tag("result", result).timer().count())
          .as(result)
          .isZero();
    }
  }

  @Test
  void aMirrorsFirstLookupMakesEachOfItsResultsAndCountsOne() {
    metrics.mirrorChecked("mirror.example.com/hub", "present");
    metrics.mirrorChecked("mirror.example.com/hub", "present");
    metrics.resolved("miss");
    metrics.requested("found", 1_000_000);

    assertThat(mirror("present")).isEqualTo(2);
    assertThat(mirror("absent")).isZero();
    assertThat(mirror("error")).isZero();
    assertThat(mirror("timeout")).isZero();
    assertThat(registry.get("pullsecret.digest.lookups").tag("result", "miss").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("pullsecret.digest.lookup").tag("result", "found").timer().count())
        .isEqualTo(1);
  }

  private double mirror(String result) {
    return registry
        .get("pullsecret.mirror.lookups")
        .tag("mirror", "mirror.example.com/hub")
        .tag("result", result)
        .counter()
        .count();
  }
}
