package dev.pullsecret.webhook.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RulesMetricsTest {

  private static final Rules RULES =
      RulesParser.parse("rules:\n  - {name: all, namespaces: [\"*\"]}\n", "rules.yaml");

  @Test
  void theInfoSeriesNamesOnlyTheRulesInForce() {
    var registry = new SimpleMeterRegistry();
    var metrics = new RulesMetrics(registry);

    metrics.loaded(new LoadedRules(RULES, 1, "aaaaaaaaaaaa", Instant.EPOCH, "rules.yaml"));
    metrics.loaded(new LoadedRules(RULES, 2, "bbbbbbbbbbbb", Instant.EPOCH, "rules.yaml"));

    assertThat(registry.find("pullsecret.rules.info").gauges())
        .singleElement()
        .satisfies(
            gauge -> {
              assertThat(gauge.getId().getTag("version")).isEqualTo("2/bbbbbbbbbbbb");
              assertThat(gauge.value()).isEqualTo(1);
            });
    assertThat(registry.get("pullsecret.rules.generation").gauge().value()).isEqualTo(2);
  }
}
