package dev.pullsecret.webhook.chart;

import static dev.pullsecret.webhook.chart.Renderings.NAME_LABEL;
import static dev.pullsecret.webhook.chart.Renderings.caBundleOfCertsTool;
import static dev.pullsecret.webhook.chart.Renderings.custom;
import static dev.pullsecret.webhook.chart.Renderings.existingSecret;
import static dev.pullsecret.webhook.chart.Renderings.expectedTlsSecret;
import static dev.pullsecret.webhook.chart.Renderings.podSpec;
import static dev.pullsecret.webhook.chart.Renderings.requirement;
import static dev.pullsecret.webhook.chart.Renderings.volume;
import static dev.pullsecret.webhook.chart.Renderings.webhook;
import static dev.pullsecret.webhook.chart.Renderings.webhookContainer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.chart.HelmChart.Rendering;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The Helm chart's options and its {@code helm test} hook, rendered by the real Helm engine. */
class ChartOptionsIT {

  @AfterEach
  void forgetSecrets() {
    HelmChart.api().clear();
  }

  @Nested
  class Options {

    private final Rendering everything =
        HelmChart.render(
            Values.of(
                "webhook.failurePolicy",
                "Fail",
                "webhook.ephemeralContainers",
                true,
                "webhook.excludeNamespaces",
                List.of("legacy"),
                "networkPolicy.enabled",
                true,
                "serviceMonitor.enabled",
                true,
                "existingRulesConfigMap",
                "platform-rules",
                "priorityClassName",
                "system-cluster-critical",
                "jvmOptions",
                "-XX:MaxRAMPercentage=50"));

    @Test
    void failurePolicyCanBeFail() {
      assertThat(webhook(everything).getFailurePolicy()).isEqualTo("Fail");
    }

    @Test
    void kubectlDebugRegistrationCanBeSwitchedOff() {
      var rendering = HelmChart.render(Values.of("webhook.ephemeralContainers", false));

      assertThat(webhook(rendering).getRules())
          .singleElement()
          .satisfies(rule -> assertThat(rule.getResources()).containsExactly("pods"));
    }

    @Test
    void extraExcludedNamespacesComeOnTopOfTheAlwaysExcludedOnes() {
      var byName =
          requirement(webhook(everything).getNamespaceSelector().getMatchExpressions(), NAME_LABEL);

      assertThat(byName.getValues())
          .containsExactly(
              "kube-system", "kube-public", "kube-node-lease", "pullsecret-webhook", "legacy");
    }

    @Test
    void existingRulesConfigMapIsMountedInsteadOfRendered() {
      assertThat(everything.all(ConfigMap.class)).isEmpty();
      assertThat(volume(everything, "rules").getConfigMap().getName()).isEqualTo("platform-rules");
    }

    @Test
    void priorityClassAndJvmOptionsReachThePod() {
      assertThat(podSpec(everything).getPriorityClassName()).isEqualTo("system-cluster-critical");
      assertThat(webhookContainer(everything).getEnv())
          .contains(new EnvVar("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=50", null));
    }

    @Test
    void aJsonLogFormatIsSpringBootsStructuredConsoleFormat() {
      var rendering = HelmChart.render(Values.of("logFormat", "ecs"));

      assertThat(webhookContainer(rendering).getEnv())
          .contains(new EnvVar("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs", null));
    }

    /**
     * The webhook's own waits (the digest lookups of a review, 1.5 s, and reading a namespace not
     * seen yet, 1 s) fit the chart's timeoutSeconds of 5; a lower one scales them down. Before,
     * timeoutSeconds 1 or 2 (the values.yaml comment said the webhook answers in milliseconds) let
     * the API server give up first: the whole mutation, pull secrets included, was lost (Ignore) or
     * the pod refused (Fail) where only a digest should have been left out.
     */
    @Test
    void aShortTimeoutScalesTheWebhooksOwnWaitsDown() {
      var rendering = HelmChart.render(Values.of("webhook.timeoutSeconds", 2));

      assertThat(webhookContainer(rendering).getEnv())
          .contains(
              new EnvVar("WEBHOOK_DIGESTS_BUDGET", "600ms", null),
              new EnvVar("WEBHOOK_SYNC_NAMESPACE_READ_BUDGET", "400ms", null));
      assertThat(webhookContainer(HelmChart.render(Map.of())).getEnv())
          .extracting(EnvVar::getName)
          .doesNotContain("WEBHOOK_DIGESTS_BUDGET", "WEBHOOK_SYNC_NAMESPACE_READ_BUDGET");
    }

    @Test
    void thePreStopSleepCanBeLeftOut() {
      var rendering = HelmChart.render(Values.of("preStopSleepSeconds", 0));

      assertThat(webhookContainer(rendering).getLifecycle()).isNull();
      assertThat(podSpec(rendering).getTerminationGracePeriodSeconds()).isEqualTo(30);
    }

    @Test
    void refusesAGracePeriodThatEndsBeforeTheWebhooksShutdown() {
      var values = Values.of("preStopSleepSeconds", 10, "terminationGracePeriodSeconds", 30);

      assertThatThrownBy(() -> HelmChart.render(values))
          .hasMessageContaining("terminationGracePeriodSeconds must exceed");
    }

    @Test
    void networkPolicyOpensTheWebhookPortsAndOnlyTheApiServerForDelivery() {
      NetworkPolicy policy = everything.one(NetworkPolicy.class);

      assertThat(policy.getSpec().getPodSelector().getMatchLabels())
          .isEqualTo(everything.one(Deployment.class).getSpec().getSelector().getMatchLabels());
      assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
      assertThat(policy.getSpec().getEgress())
          .singleElement()
          .satisfies(
              rule -> {
                assertThat(rule.getPorts())
                    .map(port -> port.getPort().getIntVal())
                    .containsExactly(443, 6443);
                assertThat(rule.getTo()).isNullOrEmpty();
              });
      assertThat(policy.getSpec().getIngress())
          .flatMap(rule -> rule.getPorts())
          .map(port -> port.getPort().getStrVal())
          .containsExactly("https", "management");
    }

    @Test
    void networkPolicyOpensEachPortToTheSourcesNamedForIt() {
      Rendering r =
          HelmChart.render(
              Values.of(
                  "networkPolicy.enabled",
                  true,
                  "networkPolicy.admissionFrom",
                  List.of(Map.of("ipBlock", Map.of("cidr", "10.0.0.0/28"))),
                  "networkPolicy.managementFrom",
                  List.of(
                      Map.of(
                          "namespaceSelector",
                          Map.of(
                              "matchLabels",
                              Map.of("kubernetes.io/metadata.name", "monitoring"))))));

      assertThat(r.one(NetworkPolicy.class).getSpec().getIngress())
          .satisfiesExactly(
              admission -> {
                assertThat(admission.getPorts().getFirst().getPort().getStrVal())
                    .isEqualTo("https");
                assertThat(admission.getFrom())
                    .singleElement()
                    .satisfies(
                        peer -> assertThat(peer.getIpBlock().getCidr()).isEqualTo("10.0.0.0/28"));
              },
              management -> {
                assertThat(management.getPorts().getFirst().getPort().getStrVal())
                    .isEqualTo("management");
                assertThat(management.getFrom())
                    .singleElement()
                    .satisfies(
                        peer ->
                            assertThat(peer.getNamespaceSelector().getMatchLabels())
                                .containsEntry("kubernetes.io/metadata.name", "monitoring"));
              });
      assertThat(everything.one(NetworkPolicy.class).getSpec().getIngress())
          .as("by default every source")
          .allSatisfy(rule -> assertThat(rule.getFrom()).isNullOrEmpty());
    }

    @Test
    void serviceMonitorScrapesPrometheusOnTheManagementPort() {
      GenericKubernetesResource monitor =
          custom(everything, "ServiceMonitor", "pullsecret-webhook");
      Map<?, ?> endpoint = (Map<?, ?>) ((List<?>) monitor.get("spec", "endpoints")).getFirst();

      assertThat(endpoint.get("port")).isEqualTo("management");
      assertThat(endpoint.get("path")).isEqualTo("/actuator/prometheus");
      assertThat(everything.one(Service.class).getSpec().getPorts())
          .anySatisfy(p -> assertThat(p.getName()).isEqualTo("management"));
    }
  }

  @Nested
  class HelmTestHook {

    @Test
    void isAHookSoItRunsOnlyWithHelmTest() throws Exception {
      String template =
          Files.readString(HelmChart.DIR.resolve("templates/tests/test-admission-over-tls.yaml"));

      assertThat(template).contains("helm.sh/hook: test");
      assertThat(HelmChart.render(Values.of("tests.enabled", true)).all(Pod.class)).isEmpty();
      assertThat(HelmChart.renderWithTestHooks(Map.of()).all(Pod.class)).isEmpty();
    }

    @Test
    void callsTheWebhookServiceVerifyingItsCaFromTheTlsSecret() {
      Rendering r = HelmChart.renderWithTestHooks(Values.of("tests.enabled", true));
      Pod pod = r.one(Pod.class);
      Container curl = pod.getSpec().getContainers().getFirst();
      var service = r.one(Service.class);

      assertThat(env(curl, "URL"))
          .isEqualTo(
              "https://"
                  + service.getMetadata().getName()
                  + "."
                  + r.namespace()
                  + ".svc:443/mutate?timeout=5s");
      var ca =
          pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals("ca")).findFirst();
      assertThat(ca)
          .get()
          .satisfies(
              v -> assertThat(v.getSecret().getSecretName()).isEqualTo(expectedTlsSecret(r)));
      assertThat(String.join("\n", curl.getArgs()))
          .contains("--cacert \"$CA\"")
          .contains("\"allowed\":true");
      // The Service, PDB and NetworkPolicy select component=webhook; the test pod is another one.
      assertThat(service.getSpec().getSelector())
          .containsEntry("app.kubernetes.io/component", "webhook");
      assertThat(pod.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/component", "test");
      assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(curl.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(curl.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    }

    @Test
    void takesTheCaFromTheCaBundleValueWithAnExistingSecret() {
      String caBundle = caBundleOfCertsTool();
      Pod pod =
          HelmChart.renderWithTestHooks(existingSecret(caBundle, "tests.enabled", true))
              .one(Pod.class);

      assertThat(env(pod.getSpec().getContainers().getFirst(), "CA_BUNDLE")).isEqualTo(caBundle);
      assertThat(pod.getSpec().getVolumes()).noneMatch(v -> v.getName().equals("ca"));
    }

    private static String env(Container container, String name) {
      return container.getEnv().stream()
          .filter(e -> e.getName().equals(name))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no env " + name))
          .getValue();
    }
  }
}
