package dev.pullsecret.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /**
   * Every status {@link AdmissionEndpoint} refuses with, counted in {@code
   * pullsecret_requests_refused_total{status}}, is explained in the runbook of the alert on it.
   * Before, it named 400, 413 and 415 only, and said the API server never causes any: an operator
   * paged for 503 (the in-flight budget spent, the API server's reviews refused) was told to look
   * for another client.
   */
  @ParameterizedTest
  @ValueSource(ints = {400, 408, 413, 415, 503})
  void theRunbookOfRefusedRequestsExplainsEachStatus(int status) throws IOException {
    String page = Files.readString(Path.of("docs/operations.md"));
    int start = page.indexOf("### PullSecretWebhookRequestsRefused");
    String runbook = page.substring(start, page.indexOf("\n### ", start + 1));

    assertThat(runbook).contains(status + " (");
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
