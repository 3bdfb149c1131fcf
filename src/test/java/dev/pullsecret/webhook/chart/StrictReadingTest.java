package dev.pullsecret.webhook.chart;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link KubeObjects} reads rendered manifests strictly: an unknown field, a value of the wrong
 * type or an unexpected kind is an error, not something the API server would reject or drop later.
 */
class StrictReadingTest {

  @Test
  void anUnknownFieldIsAnError() {
    var deployment = deploymentWithSpec(Map.of("replicass", 2));

    assertThatThrownBy(() -> KubeObjects.read(deployment)).hasMessageContaining("replicass");
  }

  @Test
  void aValueOfTheWrongTypeIsAnError() {
    var deployment = deploymentWithSpec(Map.of("replicas", "2"));

    assertThatThrownBy(() -> KubeObjects.read(deployment)).hasMessageContaining("replicas");
  }

  @Test
  void anUnexpectedKindIsAnError() {
    Map<String, Object> job =
        Map.of("apiVersion", "batch/v1", "kind", "Job", "metadata", Map.of("name", "x"));

    assertThatThrownBy(() -> KubeObjects.read(job)).hasMessageContaining("Job");
  }

  private static Map<String, Object> deploymentWithSpec(Map<String, Object> spec) {
    return Map.of(
        "apiVersion",
        "apps/v1",
        "kind",
        "Deployment",
        "metadata",
        Map.of("name", "x"),
        "spec",
        spec);
  }
}
