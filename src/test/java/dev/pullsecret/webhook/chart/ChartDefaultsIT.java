package dev.pullsecret.webhook.chart;

import static dev.pullsecret.webhook.chart.Renderings.podSpec;
import static dev.pullsecret.webhook.chart.Renderings.webhook;
import static dev.pullsecret.webhook.chart.Renderings.webhookContainer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.chart.HelmChart.Rendering;
import dev.pullsecret.webhook.rules.RulesParser;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart with its default values, rendered by the real Helm engine: what it installs, the
 * notes it prints, and the values its schema refuses.
 */
class ChartDefaultsIT {

  @AfterEach
  void forgetSecrets() {
    HelmChart.api().clear();
  }

  @Nested
  class Defaults {

    private final Rendering defaults = HelmChart.render(Map.of());

    @Test
    void failOpenWithTwoReplicas() {
      assertThat(webhook(defaults).getFailurePolicy()).isEqualTo("Ignore");
      assertThat(webhook(defaults).getTimeoutSeconds()).isEqualTo(5);
      assertThat(defaults.one(Deployment.class).getSpec().getReplicas()).isEqualTo(2);
      assertThat(defaults.one(PodDisruptionBudget.class).getSpec().getMaxUnavailable().getIntVal())
          .isEqualTo(1);
    }

    @Test
    void registerPodCreateAndKubectlDebugOnly() {
      assertThat(webhook(defaults).getRules())
          .extracting(rule -> rule.getOperations() + " " + rule.getResources())
          .containsExactly("[CREATE] [pods]", "[UPDATE] [pods/ephemeralcontainers]");
    }

    @Test
    void preferDifferentNodesSoOneNodeClustersStillRunBothReplicas() {
      var antiAffinity = podSpec(defaults).getAffinity().getPodAntiAffinity();

      assertThat(antiAffinity.getRequiredDuringSchedulingIgnoredDuringExecution()).isEmpty();
      assertThat(antiAffinity.getPreferredDuringSchedulingIgnoredDuringExecution()).hasSize(1);
      assertThat(podSpec(defaults).getTopologySpreadConstraints())
          .singleElement()
          .satisfies(c -> assertThat(c.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway"));
    }

    @Test
    void renderNoOptionalObjects() {
      assertThat(defaults.kinds())
          .doesNotContain(
              "NetworkPolicy",
              "ServiceMonitor",
              "Issuer",
              "Certificate",
              "PrometheusRule",
              "HorizontalPodAutoscaler");
    }

    @Test
    void rulesPassTheWebhooksOwnParser() {
      String rules = defaults.one(ConfigMap.class).getData().get("rules.yaml");

      var parsed = RulesParser.parse(rules, "chart default values");

      assertThat(parsed).isNotNull();
      assertThat(rules).contains("regcred");
    }

    @Test
    void rulesConfigMapHoldsExactlyTheRulesOfValuesYaml() throws Exception {
      Map<String, Object> valuesYaml =
          new Yaml().load(Files.readString(HelmChart.DIR.resolve("values.yaml")));
      String rendered = defaults.one(ConfigMap.class).getData().get("rules.yaml");

      assertThat((Object) new Yaml().load(rendered)).isEqualTo(valuesYaml.get("rules"));
    }

    @Test
    void sleepFiveSecondsBeforeSigtermWithinThirtySecondsOfGrace() {
      assertThat(webhookContainer(defaults).getLifecycle().getPreStop().getSleep().getSeconds())
          .isEqualTo(5);
      assertThat(podSpec(defaults).getTerminationGracePeriodSeconds()).isEqualTo(30);
    }

    @Test
    void logAsText() {
      assertThat(webhookContainer(defaults).getEnv())
          .extracting(EnvVar::getName)
          .doesNotContain("LOGGING_STRUCTURED_FORMAT_CONSOLE");
    }

    @Test
    void limitMemorySoTheJvmCanSizeItsHeap() {
      var resources = webhookContainer(defaults).getResources();

      assertThat(resources.getLimits()).containsKey("memory");
      assertThat(resources.getLimits()).doesNotContainKey("cpu");
      assertThat(resources.getRequests()).containsKeys("cpu", "memory");
    }
  }

  @Nested
  class Notes {

    @Test
    void tellHowToCheckTheWebhookWorks() {
      String notes = HelmChart.notes(Map.of());

      assertThat(notes)
          .contains("kubectl -n pullsecret-webhook rollout status deployment/pullsecret-webhook")
          .contains("--dry-run=server -o jsonpath='{.spec.imagePullSecrets}'")
          .contains(
              "Never sent to the webhook: namespaces kube-system, kube-public, kube-node-lease,"
                  + " pullsecret-webhook");
    }

    @Test
    void pointAtTheCertificateInCertManagerMode() {
      assertThat(HelmChart.notes(Values.of("certificates.mode", "certManager")))
          .contains("get certificate pullsecret-webhook-tls");
    }
  }

  @Nested
  class Schema {

    @Test
    void refusesUnknownKeysAtTheTop() {
      assertThatThrownBy(() -> HelmChart.render(Values.of("replicas", 3)))
          .hasMessageContaining("replicas");
    }

    @Test
    void refusesUnknownKeysDeeperDown() {
      assertThatThrownBy(() -> HelmChart.render(Values.of("webhook.failurPolicy", "Fail")))
          .hasMessageContaining("failurPolicy");
    }

    @Test
    void refusesValuesOutsideTheirRange() {
      assertThatThrownBy(() -> HelmChart.render(Values.of("webhook.failurePolicy", "Sometimes")))
          .hasMessageContaining("failurePolicy");
      assertThatThrownBy(() -> HelmChart.render(Values.of("webhook.timeoutSeconds", 31)))
          .hasMessageContaining("timeoutSeconds");
      assertThatThrownBy(() -> HelmChart.render(Values.of("certificates.mode", "vault")))
          .hasMessageContaining("mode");
      assertThatThrownBy(() -> HelmChart.render(Values.of("replicaCount", "2")))
          .hasMessageContaining("replicaCount");
      assertThatThrownBy(() -> HelmChart.render(Values.of("logFormat", "json")))
          .hasMessageContaining("logFormat");
      assertThatThrownBy(() -> HelmChart.render(Values.of("preStopSleepSeconds", -1)))
          .hasMessageContaining("preStopSleepSeconds");
    }

    /**
     * The full name names the Service, so it must be a DNS-1035 label. Helm takes release names
     * with dots or a leading digit, and nameOverride had no pattern: each rendered a Service (and
     * certificate names) the API server refuses, once the install was under way.
     */
    @Test
    void refusesAFullNameThatCannotNameTheService() {
      for (String release : List.of("web.hooks", "2fast")) {
        assertThatThrownBy(() -> HelmChart.render(release, "webhooks", Map.of()))
            .as(release)
            .hasMessageContaining("cannot name the Service");
      }
      assertThatThrownBy(() -> HelmChart.render(Values.of("nameOverride", "Hook")))
          .hasMessageContaining("cannot name the Service");
      assertThat(HelmChart.render("web-hooks", "webhooks", Map.of()).kinds()).contains("Service");
      var fixed = Values.of("fullnameOverride", "pullsecret-webhook");
      assertThat(HelmChart.render("2fast", "webhooks", fixed).kinds()).contains("Service");
    }

    /**
     * Label keys the API server refuses in the registration's selectors (a name over 63 characters,
     * a prefix over 253), and a match condition named as the chart's own: before, each rendered,
     * and the install failed later at the API server (or, for the key, the webhook refused to
     * start).
     */
    @Test
    void refusesWhatTheApiServerWouldRefuseInTheRegistration() {
      for (String key :
          List.of("a".repeat(64), "pullsecret.dev/" + "a".repeat(64), "p".repeat(254) + "/k")) {
        assertThatThrownBy(() -> HelmChart.render(Values.of("webhook.optOutLabel.key", key)))
            .as(key)
            .hasMessageContaining("optOutLabel");
      }
      String longest = "p".repeat(63) + "." + "p".repeat(63) + "/" + "a".repeat(63);
      assertThat(HelmChart.render(Values.of("webhook.optOutLabel.key", longest)).kinds())
          .isNotEmpty();
      var chartsOwn = List.of(Map.of("name", "not-a-mirror-pod", "expression", "true"));
      assertThatThrownBy(() -> HelmChart.render(Values.of("webhook.matchConditions", chartsOwn)))
          .hasMessageContaining("matchConditions");
      var badName = List.of(Map.of("name", "Not A Name", "expression", "true"));
      assertThatThrownBy(() -> HelmChart.render(Values.of("webhook.matchConditions", badName)))
          .hasMessageContaining("matchConditions");
    }
  }
}
