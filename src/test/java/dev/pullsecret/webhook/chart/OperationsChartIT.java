package dev.pullsecret.webhook.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

import dev.pullsecret.webhook.chart.HelmChart.Rendering;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The chart's operations objects: the PrometheusRule, the Grafana dashboard ConfigMap and the
 * HorizontalPodAutoscaler, each off by default, rendered by the real Helm engine; and the checks
 * that keep replicas, autoscaling and the PodDisruptionBudget consistent.
 */
class OperationsChartIT {

  private static final Rendering ALL = Monitoring.rendering();

  @Test
  void noneIsRenderedByDefault() {
    assertThat(HelmChart.render(Map.of()).kinds())
        .doesNotContain("PrometheusRule", "HorizontalPodAutoscaler")
        .containsOnlyOnce("ConfigMap");
  }

  @Nested
  class AlertingRules {

    /**
     * Fields of monitoring.coreos.com/v1 PrometheusRule (spec.groups[], rules[]) the chart uses.
     */
    private static final Set<String> GROUP_FIELDS = Set.of("name", "interval", "rules");

    private static final Set<String> RULE_FIELDS =
        Set.of("alert", "expr", "for", "labels", "annotations");

    private final List<Map<String, Object>> rules = Monitoring.rules(Monitoring.ruleSpec(ALL));

    @Test
    void holdOnlyFieldsOfThePrometheusRuleSchema() {
      Map<String, Object> spec = Monitoring.ruleSpec(ALL);

      assertThat(spec).containsOnlyKeys("groups");
      for (Object group : (List<?>) spec.get("groups")) {
        @SuppressWarnings("unchecked")
        var fields = (Set<String>) ((Map<String, ?>) group).keySet();
        assertThat(fields).isSubsetOf(GROUP_FIELDS).contains("name");
      }
      assertThat(rules)
          .allSatisfy(
              rule -> {
                assertThat(rule.keySet()).isSubsetOf(RULE_FIELDS).contains("alert", "expr");
                assertThat(rule.get("expr")).isInstanceOf(String.class);
                assertThat(rule.getOrDefault("for", "0m").toString()).matches("[0-9]+[smh]");
                assertThat(((Map<?, ?>) rule.get("labels")).get("severity"))
                    .isIn("warning", "critical");
              });
    }

    @Test
    void everyAlertLinksItsRunbookSectionInTheOperationsPage() throws Exception {
      Set<String> anchors = headingAnchors(Files.readString(Monitoring.OPERATIONS_DOC));

      assertThat(rules)
          .allSatisfy(
              rule -> {
                String anchor = ((String) rule.get("alert")).toLowerCase(Locale.ROOT);
                assertThat(((Map<?, ?>) rule.get("annotations")).get("runbook_url"))
                    .isEqualTo(Monitoring.RUNBOOK_BASE + "#" + anchor);
                assertThat(anchors).contains(anchor);
              });
    }

    @Test
    void readTheWebhooksSeriesByTheJobOfItsServiceMonitor() {
      assertThat(rules)
          .allSatisfy(rule -> assertThat(ownSelectors(rule)).allMatch(s -> s.contains("job=")));
      assertThat(rules)
          .flatMap(this::ownSelectors)
          .allMatch(s -> s.contains("job=\"pullsecret-webhook\""));

      var renamed =
          Monitoring.rules(
              Monitoring.ruleSpec(
                  HelmChart.render(
                      Values.of(
                          "prometheusRule.enabled", true, "prometheusRule.job", "webhooks"))));
      assertThat(renamed)
          .flatMap(this::ownSelectors)
          .isNotEmpty()
          .allMatch(s -> s.contains("job=\"webhooks\""));
    }

    @Test
    void notCalledLeavesOutEveryNamespaceTheWebhookNeverSees() {
      assertThat(expr(rules, "PullSecretWebhookNotCalled"))
          .contains(
              "kube_pod_created{namespace!~\"kube-system|kube-public|kube-node-lease"
                  + "|pullsecret-webhook|legacy|opted-out\"}")
          .contains("< 15 * 60");
    }

    /** The alerts of secret delivery: rendered when sync is on, unless the value says otherwise. */
    static final List<String> DELIVERY_ALERTS =
        List.of(
            "PullSecretWebhookSecretCopiesInConflict",
            "PullSecretWebhookSecretSourcesInvalid",
            "PullSecretWebhookSecretSourceMissing",
            "PullSecretWebhookSecretSyncErrors",
            "PullSecretWebhookPodsAdmittedWithMissingSecret");

    @Test
    void secretDeliveryAlertsFollowSyncByDefault() {
      assertThat(alertNames(Values.of("prometheusRule.enabled", true)))
          .contains("PullSecretWebhookNotCalled")
          .containsAll(DELIVERY_ALERTS);
      assertThat(alertNames(Values.of("prometheusRule.enabled", true, "sync.enabled", false)))
          .contains("PullSecretWebhookNotCalled")
          .doesNotContainAnyElementsOf(DELIVERY_ALERTS);
    }

    @Test
    void secretDeliveryValueOverridesSync() {
      var forcedOn =
          Values.of(
              "prometheusRule.enabled",
              true,
              "prometheusRule.secretDelivery",
              true,
              "sync.enabled",
              false);
      var forcedOff =
          Values.of("prometheusRule.enabled", true, "prometheusRule.secretDelivery", false);

      assertThat(alertNames(forcedOn)).containsAll(DELIVERY_ALERTS);
      assertThat(alertNames(forcedOff))
          .contains("PullSecretWebhookNotCalled")
          .doesNotContainAnyElementsOf(DELIVERY_ALERTS);
    }

    /**
     * Only the Lease holder counts copies and write errors (the others report 0 or stale counts),
     * so those are read with max across replicas, never summed, and never by namespace.
     */
    @Test
    void secretDeliveryAlertsReadTheLeadersCountsWithMax() {
      for (String alert : DELIVERY_ALERTS) {
        String expr = expr(rules, alert);
        assertThat(expr).as(alert).doesNotContain("namespace");
        if (!alert.equals("PullSecretWebhookPodsAdmittedWithMissingSecret")) {
          assertThat(expr).as(alert).startsWith("max by (job) (").doesNotContain("sum(", "sum by");
        }
      }
    }

    private List<Object> alertNames(Map<String, Object> values) {
      return Monitoring.rules(Monitoring.ruleSpec(HelmChart.render(values))).stream()
          .map(rule -> rule.get("alert"))
          .toList();
    }

    @Test
    void thresholdsAndLabelsComeFromValues() {
      var rendering =
          HelmChart.render(
              Values.of(
                  "prometheusRule.enabled",
                  true,
                  "prometheusRule.labels",
                  Map.of("release", "kube-prometheus-stack"),
                  "prometheusRule.alertLabels",
                  Map.of("team", "platform"),
                  "prometheusRule.certificateExpiry.warningDays",
                  30,
                  "prometheusRule.latencyP99Seconds",
                  0.25,
                  "prometheusRule.notCalled.enabled",
                  false));
      GenericKubernetesResource rule =
          Renderings.custom(rendering, "PrometheusRule", HelmChart.RELEASE);
      var custom = Monitoring.rules(Monitoring.ruleSpec(rendering));

      assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
      assertThat(custom)
          .allSatisfy(
              r -> assertThat(r.get("labels")).asInstanceOf(MAP).containsEntry("team", "platform"));
      assertThat(expr(custom, "PullSecretWebhookCertificateExpiresSoon")).endsWith("< 30 * 86400");
      assertThat(expr(custom, "PullSecretWebhookSlowAnswers")).endsWith("> 0.25");
      assertThat(custom)
          .extracting(r -> r.get("alert"))
          .doesNotContain("PullSecretWebhookNotCalled");
    }

    private List<String> ownSelectors(Map<String, Object> rule) {
      Matcher selector =
          Pattern.compile("pullsecret_[a-z_]+\\{[^}]*}|pullsecret_[a-z_]+(?!\\{)")
              .matcher((String) rule.get("expr"));
      return selector.results().map(m -> m.group()).toList();
    }
  }

  @Nested
  class GrafanaDashboard {

    private final ConfigMap configMap = dashboardConfigMap(ALL);

    @Test
    void isAConfigMapTheKubePrometheusStackSidecarLoads() {
      assertThat(configMap.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
      assertThat(configMap.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
    }

    @Test
    void holdsTheDashboardFileOfTheChart() throws Exception {
      assertThat(configMap.getData().get("pullsecret-webhook.json"))
          .isEqualTo(Files.readString(Monitoring.DASHBOARD).strip());
      assertThat(Monitoring.dashboard(configMap).path("uid").asString())
          .isEqualTo("pullsecret-webhook");
    }

    @Test
    void panelsCoverAdmissionsLatencyRefusalsReloadsCertificateMemoryAndDelivery() {
      String queries = String.join("\n", Monitoring.dashboardQueries(Monitoring.dashboard()));

      assertThat(queries)
          .contains(
              "pullsecret_admissions_total",
              "pullsecret_rule_admissions_total",
              "histogram_quantile(0.99",
              "pullsecret_requests_refused_total",
              "pullsecret_rules_reloads_total",
              "pullsecret_tls_reloads_total",
              "pullsecret_tls_certificate_expiry_seconds",
              "jvm_memory_used_bytes",
              "max by (state) (pullsecret_secret_copies",
              "pullsecret_secret_sync_seconds_bucket",
              "pullsecret_secret_sync_errors_total",
              "pullsecret_secret_missing_at_admission_total",
              "max(pullsecret_secret_source_problems");
    }

    @Test
    void labelsAnnotationsAndNamespaceCanBeChanged() {
      var rendering =
          HelmChart.render(
              Values.of(
                  "grafanaDashboard.enabled",
                  true,
                  "grafanaDashboard.labels.dashboards",
                  "platform",
                  "grafanaDashboard.labels.grafana_dashboard",
                  null,
                  "grafanaDashboard.annotations",
                  Map.of("grafana_folder", "Platform"),
                  "grafanaDashboard.namespace",
                  "monitoring"));
      ConfigMap custom = dashboardConfigMap(rendering);

      assertThat(custom.getMetadata().getLabels())
          .containsEntry("dashboards", "platform")
          .doesNotContainKey("grafana_dashboard");
      assertThat(custom.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Platform");
      assertThat(custom.getMetadata().getNamespace()).isEqualTo("monitoring");
    }
  }

  @Nested
  class Autoscaling {

    private final Rendering autoscaled = HelmChart.render(Values.of("autoscaling.enabled", true));

    @Test
    void scalesTheDeploymentOnCpuBetweenTwoAndSixReplicas() {
      HorizontalPodAutoscaler hpa = autoscaled.one(HorizontalPodAutoscaler.class);

      assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
      assertThat(hpa.getSpec().getScaleTargetRef().getName())
          .isEqualTo(autoscaled.one(Deployment.class).getMetadata().getName());
      assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
      assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(6);
      assertThat(hpa.getSpec().getMetrics())
          .singleElement()
          .satisfies(
              metric -> {
                assertThat(metric.getResource().getName()).isEqualTo("cpu");
                assertThat(metric.getResource().getTarget().getAverageUtilization()).isEqualTo(80);
              });
    }

    @Test
    void leavesTheReplicasOfTheDeploymentToTheAutoscaler() {
      assertThat(autoscaled.one(Deployment.class).getSpec().getReplicas()).isNull();
      assertThat(HelmChart.render(Map.of()).one(Deployment.class).getSpec().getReplicas())
          .isEqualTo(2);
    }

    @Test
    void refusesMinReplicasAboveMaxReplicas() {
      var values =
          Values.of(
              "autoscaling.enabled", true,
              "autoscaling.minReplicas", 4,
              "autoscaling.maxReplicas", 3);

      assertThatThrownBy(() -> HelmChart.render(values))
          .hasMessageContaining("autoscaling.minReplicas (4) must not exceed")
          .hasMessageContaining("autoscaling.maxReplicas (3)");
    }

    @Test
    void refusesAMinAvailableThatWouldBlockEveryDrain() {
      var autoscaledWithOne =
          Values.of(
              "autoscaling.enabled", true,
              "autoscaling.minReplicas", 1,
              "podDisruptionBudget.minAvailable", 1);
      var fixedWithTwo = Values.of("replicaCount", 2, "podDisruptionBudget.minAvailable", 2);

      assertThatThrownBy(() -> HelmChart.render(autoscaledWithOne))
          .hasMessageContaining(
              "podDisruptionBudget.minAvailable (1) must be below autoscaling.minReplicas (1)");
      assertThatThrownBy(() -> HelmChart.render(fixedWithTwo))
          .hasMessageContaining(
              "podDisruptionBudget.minAvailable (2) must be below replicaCount (2)");
    }

    @Test
    void acceptsMinAvailableOneWithTwoReplicasOrAPercentage() {
      var two =
          Values.of(
              "autoscaling.enabled", true,
              "autoscaling.minReplicas", 2,
              "podDisruptionBudget.minAvailable", 1);
      var percentage = Values.of("replicaCount", 1, "podDisruptionBudget.minAvailable", "50%");

      assertThat(HelmChart.render(two).kinds()).contains("HorizontalPodAutoscaler");
      assertThat(HelmChart.render(percentage).kinds()).contains("PodDisruptionBudget");
    }

    @Test
    void refusesAPodDisruptionBudgetThatAllowsNoEviction() {
      assertThatThrownBy(() -> HelmChart.render(Values.of("podDisruptionBudget.maxUnavailable", 0)))
          .hasMessageContaining("podDisruptionBudget.maxUnavailable 0");
    }

    @Test
    void refusesAutoscalingWithoutACpuRequest() {
      var values = Values.of("autoscaling.enabled", true, "resources.requests.cpu", null);

      assertThatThrownBy(() -> HelmChart.render(values))
          .hasMessageContaining("set resources.requests.cpu");
    }
  }

  @Nested
  class Schema {

    @Test
    void refusesUnknownKeys() {
      assertThatThrownBy(() -> HelmChart.render(Values.of("prometheusRule.enable", true)))
          .hasMessageContaining("enable");
      assertThatThrownBy(() -> HelmChart.render(Values.of("grafanaDashboard.label", Map.of())))
          .hasMessageContaining("label");
      assertThatThrownBy(() -> HelmChart.render(Values.of("autoscaling.targetCPU", 50)))
          .hasMessageContaining("targetCPU");
    }

    @Test
    void refusesValuesOutsideTheirRange() {
      assertThatThrownBy(() -> HelmChart.render(Values.of("autoscaling.minReplicas", 0)))
          .hasMessageContaining("minReplicas");
      assertThatThrownBy(
              () -> HelmChart.render(Values.of("autoscaling.targetCPUUtilizationPercentage", "80")))
          .hasMessageContaining("targetCPUUtilizationPercentage");
      assertThatThrownBy(() -> HelmChart.render(Values.of("prometheusRule.latencyP99Seconds", 0)))
          .hasMessageContaining("latencyP99Seconds");
      assertThatThrownBy(() -> HelmChart.render(Values.of("prometheusRule.notCalled.window", "1h")))
          .hasMessageContaining("window");
      assertThatThrownBy(
              () -> HelmChart.render(Values.of("prometheusRule.certificateExpiry.warningDays", 0)))
          .hasMessageContaining("warningDays");
      assertThatThrownBy(
              () ->
                  HelmChart.render(
                      Values.of("prometheusRule.alertLabels", Map.of("severity", "page"))))
          .hasMessageContaining("alertLabels");
      assertThatThrownBy(
              () -> HelmChart.render(Values.of("prometheusRule.job", "a\"} or vector(1)")))
          .hasMessageContaining("job");
      assertThatThrownBy(
              () -> HelmChart.render(Values.of("grafanaDashboard.namespace", "Monitoring")))
          .hasMessageContaining("namespace");
      assertThatThrownBy(() -> HelmChart.render(Values.of("prometheusRule.secretDelivery", "auto")))
          .hasMessageContaining("secretDelivery");
    }
  }

  // --- helpers -----------------------------------------------------------------------------

  static String expr(List<Map<String, Object>> rules, String alert) {
    return rules.stream()
        .filter(rule -> alert.equals(rule.get("alert")))
        .map(rule -> (String) rule.get("expr"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no alert " + alert));
  }

  static ConfigMap dashboardConfigMap(Rendering r) {
    return r.all(ConfigMap.class).stream()
        .filter(c -> c.getMetadata().getName().equals(HelmChart.RELEASE + "-dashboard"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no dashboard ConfigMap in " + r.kinds()));
  }

  /** GitHub's anchors of the {@code ###} headings of a Markdown page. */
  static Set<String> headingAnchors(String markdown) {
    return markdown
        .lines()
        .filter(line -> line.startsWith("#"))
        .map(line -> line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT))
        .map(title -> title.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'))
        .collect(Collectors.toSet());
  }
}
