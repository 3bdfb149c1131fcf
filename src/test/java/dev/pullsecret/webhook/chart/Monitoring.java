package dev.pullsecret.webhook.chart;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The monitoring objects of the chart (alerting rules and Grafana dashboard), rendered with every
 * alert on, and the PromQL queries they hold.
 */
final class Monitoring {

  /** Where the runbook links of the rendered rules point (promtool's tests expect it). */
  static final String RUNBOOK_BASE = "https://docs.example/operations.md";

  static final Path DASHBOARD = HelmChart.DIR.resolve("dashboards/pullsecret-webhook.json");
  static final Path OPERATIONS_DOC = Path.of("docs", "operations.md");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Monitoring() {}

  /**
   * Every alert on (those of secret delivery by default, as sync is on, and of credential
   * providers), with the namespaces left out of PullSecretWebhookNotCalled that the promtool tests
   * in src/test/resources/alerts/ expect.
   */
  static Map<String, Object> allAlerts() {
    return Values.of(
        "prometheusRule.enabled",
        true,
        "prometheusRule.runbookBaseUrl",
        RUNBOOK_BASE,
        "prometheusRule.notCalled.ignoreNamespaces",
        List.of("opted-out"),
        "webhook.excludeNamespaces",
        List.of("legacy"),
        "grafanaDashboard.enabled",
        true,
        "credentialProviders.enabled",
        true,
        "credentialProviders.config.providers",
        List.of(ChartProvidersIT.ECR),
        "credentialProviders.plugins.volume",
        Map.of("hostPath", Map.of("path", "/etc/eks/image-credential-provider")));
  }

  static HelmChart.Rendering rendering() {
    return HelmChart.render(allAlerts());
  }

  /** The PrometheusRule's {@code spec}: the content of a Prometheus rules file. */
  static Map<String, Object> ruleSpec(HelmChart.Rendering r) {
    GenericKubernetesResource rule = Renderings.custom(r, "PrometheusRule", HelmChart.RELEASE);
    @SuppressWarnings("unchecked")
    var spec = (Map<String, Object>) rule.getAdditionalProperties().get("spec");
    return spec;
  }

  /** Every rule of the spec (alerting rules: alert, expr, for, labels, annotations). */
  static List<Map<String, Object>> rules(Map<String, Object> spec) {
    List<Map<String, Object>> all = new ArrayList<>();
    for (Object group : (List<?>) spec.get("groups")) {
      for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
        @SuppressWarnings("unchecked")
        var typed = (Map<String, Object>) rule;
        all.add(typed);
      }
    }
    return all;
  }

  static JsonNode dashboard() {
    try {
      return JSON.readTree(Files.readString(DASHBOARD));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode dashboard(ConfigMap configMap) {
    return JSON.readTree(configMap.getData().get("pullsecret-webhook.json"));
  }

  /**
   * Every query of the dashboard: panel targets and query variables ({@code label_values(m, l)} is
   * Grafana's, read here as the selector {@code m} grouped by {@code l}).
   */
  static List<String> dashboardQueries(JsonNode dashboard) {
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(target.path("expr").asString());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asString().equals("query")) {
        String query = variable.path("query").path("query").asString();
        queries.add(query.replaceAll("^label_values\\((\\w+),\\s*(\\w+)\\)$", "max by ($2) ($1)"));
      }
    }
    return queries;
  }
}
