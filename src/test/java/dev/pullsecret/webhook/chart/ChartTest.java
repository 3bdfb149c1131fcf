package dev.pullsecret.webhook.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.chart.HelmChart.Rendering;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.tls.issuing.CertificateGenerator;
import dev.pullsecret.webhook.tls.issuing.CertificateSpec;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.convert.DurationStyle;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart, linted and rendered by the real Helm engine, every object read strictly into
 * fabric8's models, and the properties that keep a cluster safe checked in every configuration.
 */
class ChartTest {

  static final String SERVICE_HOST = "pullsecret-webhook.pullsecret-webhook.svc";

  private static List<Arguments> scenarios;

  /**
   * One rendering per certificate mode and a few value sets that change names and options, made
   * once: every safety property below is checked against each.
   */
  static synchronized Stream<Arguments> scenarios() {
    if (scenarios == null) {
      scenarios = renderScenarios();
    }
    return scenarios.stream();
  }

  private static List<Arguments> renderScenarios() {
    return List.of(
        scenario("defaults (helm certificates)", Map.of()),
        scenario("cert-manager", Values.of("certificates.mode", "certManager")),
        scenario("references only (sync off)", Values.of("sync.enabled", false)),
        scenario(
            "cert-manager with an existing ClusterIssuer",
            Values.of(
                "certificates.mode",
                "certManager",
                "certificates.certManager.issuerRef",
                Map.of("name", "corp-ca", "kind", "ClusterIssuer", "group", "cert-manager.io"))),
        scenario("existing secret", existingSecret(caBundleOfCertsTool())),
        scenario(
            "every option on",
            Values.of(
                "replicaCount",
                3,
                "podAntiAffinity",
                "hard",
                "priorityClassName",
                "system-cluster-critical",
                "jvmOptions",
                "-XX:MaxRAMPercentage=50",
                "logFormat",
                "ecs",
                "preStopSleepSeconds",
                10,
                "terminationGracePeriodSeconds",
                45,
                "extraEnv",
                List.of(Map.of("name", "LOGGING_LEVEL_ROOT", "value", "DEBUG")),
                "existingRulesConfigMap",
                "platform-rules",
                "webhook.failurePolicy",
                "Fail",
                "webhook.ephemeralContainers",
                true,
                "webhook.excludeNamespaces",
                List.of("legacy", "kube-system"),
                "webhook.matchConditions",
                List.of(
                    Map.of("name", "not-ci", "expression", "request.userInfo.username != 'ci'")),
                "networkPolicy.enabled",
                true,
                "serviceMonitor.enabled",
                true,
                "prometheusRule.enabled",
                true,
                "prometheusRule.secretDelivery",
                true,
                "grafanaDashboard.enabled",
                true,
                "autoscaling.enabled",
                true,
                "autoscaling.minReplicas",
                3,
                "podDisruptionBudget.minAvailable",
                2,
                "nodeAffinity",
                Map.of(
                    "requiredDuringSchedulingIgnoredDuringExecution",
                    Map.of(
                        "nodeSelectorTerms",
                        List.of(
                            Map.of(
                                "matchExpressions",
                                List.of(
                                    Map.of(
                                        "key", "node-role.kubernetes.io/system",
                                        "operator", "Exists")))))))),
        Arguments.of(
            "another release name and namespace",
            HelmChart.render(
                "webhooks",
                "platform",
                Values.of("certificates.extraDnsNames", List.of("x.example")))));
  }

  private static Arguments scenario(String name, Map<String, ?> values) {
    return Arguments.of(name, HelmChart.render(values));
  }

  @AfterEach
  void forgetSecrets() {
    HelmChart.api().clear();
  }

  @Test
  void passesStrictLint() {
    var result = HelmChart.lint();

    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Nested
  class InEveryScenario {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.chart.ChartTest#scenarios")
    void rendersTheCoreObjectsOncePerFile(String name, Rendering r) {
      assertThat(r.kinds())
          .contains(
              "ServiceAccount",
              "Service",
              "Deployment",
              "PodDisruptionBudget",
              "MutatingWebhookConfiguration");
      // Helm heads each document with the template it came from: one object per template file.
      List<String> sources =
          r.yaml().lines().filter(line -> line.startsWith("# Source: ")).toList();
      assertThat(sources).hasSameSizeAs(r.objects()).doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.chart.ChartTest#scenarios")
    void neverSendsKubeSystemOrTheReleaseNamespace(String name, Rendering r) {
      LabelSelectorRequirement byName =
          requirement(webhook(r).getNamespaceSelector().getMatchExpressions(), NAME_LABEL);

      assertThat(byName.getOperator()).isEqualTo("NotIn");
      assertThat(byName.getValues()).contains("kube-system", r.namespace()).doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.chart.ChartTest#scenarios")
    void letsNamespacesAndPodsOptOutWithALabel(String name, Rendering r) {
      MutatingWebhook webhook = webhook(r);

      for (var selector : List.of(webhook.getNamespaceSelector(), webhook.getObjectSelector())) {
        var optOut = requirement(selector.getMatchExpressions(), "pullsecret.dev/inject");
        assertThat(optOut.getOperator()).isEqualTo("NotIn");
        assertThat(optOut.getValues()).containsExactly("disabled");
      }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.chart.ChartTest#scenarios")
    void speaksAdmissionV1WithoutSideEffectsAndShortTimeouts(String name, Rendering r) {
      MutatingWebhook webhook = webhook(r);

      assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
      assertThat(webhook.getSideEffects()).isEqualTo("None");
      assertThat(webhook.getTimeoutSeconds()).isBetween(1, 10);
      assertThat(webhook.getReinvocationPolicy()).isEqualTo("IfNeeded");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.chart.ChartTest#scenarios")
    void registersPodCreateAndSkipsMirrorPods(String name, Rendering r) {
      MutatingWebhook webhook = webhook(r);
      RuleWithOperations create = webhook.getRules().getFirst();

      assertThat(create.getOperations()).containsExactly("CREATE");
      assertThat(create.getResources()).containsExactly("pods");
      assertThat(create.getApiGroups()).containsExactly("");
      assertThat(webhook.getMatchConditions().getFirst().getExpression())
          .contains("'kubernetes.io/config.mirror' in object.metadata.annotations")
          .startsWith("!has(object.metadata.annotations) ||");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.chart.ChartTest#scenarios")
    void callsTheServiceThatRoutesToTheHttpsContainerPort(String name, Rendering r) {
      var target = webhook(r).getClientConfig().getService();
      Service service = r.one(Service.class);
      ServicePort servicePort =
          service.getSpec().getPorts().stream()
              .filter(p -> Objects.equals(p.getPort(), target.getPort()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no Service port " + target.getPort()));
      ContainerPort containerPort = containerPort(webhookContainer(r), servicePort);

      assertThat(target.getName()).isEqualTo(service.getMetadata().getName());
      assertThat(target.getNamespace()).isEqualTo(r.namespace());
      assertThat(target.getPath()).isEqualTo("/mutate");
      assertThat(containerPort.getContainerPort()).isEqualTo(8443);
      Deployment deployment = r.one(Deployment.class);
      assertThat(service.getSpec().getSelector())
          .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
      assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
          .containsAllEntriesOf(service.getSpec().getSelector());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.chart.ChartTest#scenarios")
    void runsHardenedWithATokenOnlyForDelivery(String name, Rendering r) {
      PodSpec pod = podSpec(r);
      var container = webhookContainer(r).getSecurityContext();
      boolean sync = !r.all(ClusterRole.class).isEmpty();

      assertThat(pod.getAutomountServiceAccountToken()).isEqualTo(sync);
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
      assertThat(pod.getSecurityContext().getSeccompProfile().getType())
          .isEqualTo("RuntimeDefault");
      assertThat(container.getReadOnlyRootFilesystem()).isTrue();
      assertThat(container.getAllowPrivilegeEscalation()).isFalse();
      assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
      assertThat(container.getPrivileged()).isNotEqualTo(Boolean.TRUE);
      assertThat(mount(r, "/tmp").getName()).isEqualTo("tmp");
      assertThat(volume(r, "tmp").getEmptyDir()).isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.chart.ChartTest#scenarios")
    void probesTheManagementPortForLivenessAndReadiness(String name, Rendering r) {
      Container container = webhookContainer(r);
      HTTPGetAction liveness = container.getLivenessProbe().getHttpGet();
      HTTPGetAction readiness = container.getReadinessProbe().getHttpGet();
      HTTPGetAction startup = container.getStartupProbe().getHttpGet();

      assertThat(liveness.getPath()).isEqualTo("/actuator/health/liveness");
      assertThat(readiness.getPath()).isEqualTo("/actuator/health/readiness");
      for (var probe : List.of(liveness, readiness, startup)) {
        assertThat(portNumber(container, probe.getPort().getStrVal())).isEqualTo(8080);
        assertThat(probe.getScheme()).isIn(null, "HTTP");
      }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.chart.ChartTest#scenarios")
    void keepsAWebhookPodThroughDrainsWithoutBlockingThem(String name, Rendering r) {
      PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class);

      assertThat(pdb.getSpec().getSelector().getMatchLabels())
          .isEqualTo(r.one(Deployment.class).getSpec().getSelector().getMatchLabels());
      assertThat(pdb.getSpec().getUnhealthyPodEvictionPolicy()).isEqualTo("AlwaysAllow");
      assertThat(pdb.getSpec().getMinAvailable() != null)
          .isNotEqualTo(pdb.getSpec().getMaxUnavailable() != null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.chart.ChartTest#scenarios")
    void mountsTheRulesConfigMapAsADirectory(String name, Rendering r) {
      VolumeMount rules = mount(r, "/etc/pullsecret-webhook/rules");
      String configMap = volume(r, rules.getName()).getConfigMap().getName();

      assertThat(rules.getSubPath()).isNull();
      assertThat(rules.getSubPathExpr()).isNull();
      assertThat(configMap).isNotBlank();
      r.all(ConfigMap.class).stream()
          .filter(c -> c.getMetadata().getName().equals(configMap))
          .forEach(c -> assertThat(c.getData()).containsKey("rules.yaml"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.chart.ChartTest#scenarios")
    void mountsTheTlsSecretWhereTheWebhookReadsItWithoutWorldReadableKeys(
        String name, Rendering r) {
      VolumeMount tls = mount(r, "/etc/pullsecret-webhook/tls");
      var secret = volume(r, tls.getName()).getSecret();

      assertThat(tls.getSubPath()).isNull();
      assertThat(secret.getSecretName()).isEqualTo(expectedTlsSecret(r));
      assertThat(secret.getDefaultMode() & 0007).isZero();
      assertThat(podSpec(r).getSecurityContext().getFsGroup()).isEqualTo(65532L);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.chart.ChartTest#scenarios")
    void tellsTheWebhookItsNamespaceSoItSkipsItself(String name, Rendering r) {
      EnvVar podNamespace =
          webhookContainer(r).getEnv().stream()
              .filter(e -> e.getName().equals("POD_NAMESPACE"))
              .findFirst()
              .orElseThrow();

      assertThat(podNamespace.getValueFrom().getFieldRef().getFieldPath())
          .isEqualTo("metadata.namespace");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.chart.ChartTest#scenarios")
    void leavesTheServiceBeforeSigtermAndHasTimeToAnswerWhatIsInFlight(String name, Rendering r)
        throws Exception {
      long sleep = webhookContainer(r).getLifecycle().getPreStop().getSleep().getSeconds();
      long grace = podSpec(r).getTerminationGracePeriodSeconds();

      assertThat(sleep).isPositive();
      // The grace period counts from the deletion: the preStop sleep, then the webhook's shutdown.
      assertThat(grace).isGreaterThan(sleep + shutdownPhaseOfTheWebhook().toSeconds());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.chart.ChartTest#scenarios")
    void restartsForNothingThatIsReloadedLive(String name, Rendering r) {
      var annotations =
          r.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations();

      assertThat(annotations == null ? Map.of() : annotations)
          .as("rules and TLS are reloaded without a restart")
          .doesNotContainKeys("checksum/rules", "checksum/tls", "checksum/config");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pullsecret.webhook.chart.ChartTest#scenarios")
    void spreadsReplicasOverNodes(String name, Rendering r) {
      var affinity = podSpec(r).getAffinity().getPodAntiAffinity();
      var selectorLabels = r.one(Deployment.class).getSpec().getSelector().getMatchLabels();

      var terms =
          Stream.concat(
                  affinity.getRequiredDuringSchedulingIgnoredDuringExecution().stream(),
                  affinity.getPreferredDuringSchedulingIgnoredDuringExecution().stream()
                      .map(w -> w.getPodAffinityTerm()))
              .toList();
      assertThat(terms)
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                assertThat(t.getLabelSelector().getMatchLabels()).isEqualTo(selectorLabels);
              });
    }
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
  class HelmCertificates {

    @Test
    void caBundleIsTheCaThatSignedTheServingCertificate() throws Exception {
      Rendering r = HelmChart.render(Map.of());
      Secret secret = r.one(Secret.class);
      byte[] caBundle = webhook(r).getClientConfig().getCaBundle().getBytes();

      X509Certificate ca = certificate(Base64.getDecoder().decode(caBundle));
      X509Certificate serving = certificate(data(secret, "tls.crt"));

      assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
      assertThat(data(secret, "ca.crt")).isEqualTo(Base64.getDecoder().decode(caBundle));
      serving.verify(ca.getPublicKey());
      assertThat(ca.getBasicConstraints()).isNotNegative();
      assertThat(new String(data(secret, "tls.key"), StandardCharsets.US_ASCII))
          .startsWith("-----BEGIN EC PRIVATE KEY-----");
    }

    @Test
    void servingCertificateNamesTheServiceAsTheApiServerCallsIt() throws Exception {
      Rendering r =
          HelmChart.render(
              "webhooks",
              "platform",
              Values.of("certificates.extraDnsNames", List.of("x.example")));
      X509Certificate serving = certificate(data(r.one(Secret.class), "tls.crt"));

      assertThat(dnsNames(serving))
          .containsExactly(
              "webhooks-pullsecret-webhook",
              "webhooks-pullsecret-webhook.platform",
              "webhooks-pullsecret-webhook.platform.svc",
              "webhooks-pullsecret-webhook.platform.svc.cluster.local",
              "x.example");
      serving.checkValidity();
      assertThat(serving.getNotAfter().toInstant())
          .isAfter(Instant.now().plus(Duration.ofDays(3640)));
    }

    @Test
    void upgradeReusesTheExistingSecretAndItsCa() {
      Secret installed = HelmChart.render(Map.of()).one(Secret.class);
      HelmChart.api().put(installed);

      Rendering upgrade = HelmChart.render(Map.of());

      assertThat(upgrade.one(Secret.class).getData()).isEqualTo(installed.getData());
      assertThat(webhook(upgrade).getClientConfig().getCaBundle())
          .isEqualTo(installed.getData().get("ca.crt"));
      assertThat(HelmChart.api().unexpectedRequests()).isEmpty();
    }

    @Test
    void upgradeReplacesASecretWithoutItsCa() {
      Secret installed = HelmChart.render(Map.of()).one(Secret.class);
      var withoutCa = new SecretBuilder(installed).build();
      withoutCa.getData().remove("ca.crt");
      HelmChart.api().put(withoutCa);

      Rendering upgrade = HelmChart.render(Map.of());
      Secret replaced = upgrade.one(Secret.class);

      assertThat(replaced.getData().get("tls.crt"))
          .isNotEqualTo(installed.getData().get("tls.crt"));
      assertThat(webhook(upgrade).getClientConfig().getCaBundle())
          .isEqualTo(replaced.getData().get("ca.crt"));
    }

    @Test
    void everyInstallWithoutASecretGetsItsOwnCa() {
      String first = webhook(HelmChart.render(Map.of())).getClientConfig().getCaBundle();
      String second = webhook(HelmChart.render(Map.of())).getClientConfig().getCaBundle();

      assertThat(first).isNotEqualTo(second);
    }
  }

  @Nested
  class CertManagerCertificates {

    private final Rendering r = HelmChart.render(Values.of("certificates.mode", "certManager"));

    @Test
    void caInjectorFillsTheCaBundleFromTheServingCertificate() {
      var config = r.one(MutatingWebhookConfiguration.class);

      assertThat(config.getMetadata().getAnnotations())
          .containsEntry(
              "cert-manager.io/inject-ca-from", "pullsecret-webhook/pullsecret-webhook-tls");
      assertThat(webhook(r).getClientConfig().getCaBundle()).isNull();
      assertThat(r.all(Secret.class)).isEmpty();
    }

    @Test
    void servingCertificateIsSignedByTheChartsOwnCa() {
      GenericKubernetesResource serving = custom(r, "Certificate", "pullsecret-webhook-tls");
      GenericKubernetesResource ca = custom(r, "Certificate", "pullsecret-webhook-ca");
      GenericKubernetesResource caIssuer = custom(r, "Issuer", "pullsecret-webhook-ca");
      GenericKubernetesResource selfSigned = custom(r, "Issuer", "pullsecret-webhook-selfsigned");

      assertThat((Object) serving.get("spec", "secretName")).isEqualTo(expectedTlsSecret(r));
      assertThat((List<Object>) serving.get("spec", "dnsNames"))
          .contains(SERVICE_HOST, "pullsecret-webhook.pullsecret-webhook.svc.cluster.local");
      assertThat((Object) serving.get("spec", "issuerRef", "name"))
          .isEqualTo("pullsecret-webhook-ca");
      assertThat((Object) caIssuer.get("spec", "ca", "secretName"))
          .isEqualTo(ca.get("spec", "secretName"));
      assertThat((Object) ca.get("spec", "isCA")).isEqualTo(true);
      assertThat((Object) ca.get("spec", "issuerRef", "name"))
          .isEqualTo(selfSigned.getMetadata().getName());
      assertThat((Object) selfSigned.get("spec", "selfSigned")).isEqualTo(Map.of());
    }

    @Test
    void anExistingIssuerReplacesTheChartsCa() {
      Rendering own =
          HelmChart.render(
              Values.of(
                  "certificates.mode",
                  "certManager",
                  "certificates.certManager.issuerRef",
                  Map.of("name", "corp-ca", "kind", "ClusterIssuer", "group", "cert-manager.io")));

      assertThat(own.kinds()).doesNotContain("Issuer").containsOnlyOnce("Certificate");
      assertThat(
              (Object)
                  custom(own, "Certificate", "pullsecret-webhook-tls").get("spec", "issuerRef"))
          .isEqualTo(
              Map.of("name", "corp-ca", "kind", "ClusterIssuer", "group", "cert-manager.io"));
    }
  }

  @Nested
  class ExistingSecretCertificates {

    @Test
    void caBundleIsTheValueGiven() {
      String caBundle = caBundleOfCertsTool();
      Rendering r = HelmChart.render(existingSecret(caBundle));

      assertThat(webhook(r).getClientConfig().getCaBundle()).isEqualTo(caBundle);
      assertThat(r.kinds()).doesNotContain("Secret", "Certificate", "Issuer");
      assertThat(expectedTlsSecret(r)).isEqualTo("webhook-tls");
    }

    @Test
    void refusesToRenderWithoutTheCaBundle() {
      var values =
          Values.of(
              "certificates.mode", "existingSecret", "certificates.existingSecret", "webhook-tls");

      assertThatThrownBy(() -> HelmChart.render(values)).hasMessageContaining("caBundle");
    }

    @Test
    void refusesToRenderWithoutTheSecretName() {
      var values =
          Values.of(
              "certificates.mode",
              "existingSecret",
              "certificates.caBundle",
              caBundleOfCertsTool());

      assertThatThrownBy(() -> HelmChart.render(values)).hasMessageContaining("existingSecret");
    }
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

      assertThat(byName.getValues()).containsExactly("kube-system", "pullsecret-webhook", "legacy");
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

  @Nested
  class Notes {

    @Test
    void tellHowToCheckTheWebhookWorks() {
      String notes = HelmChart.notes(Map.of());

      assertThat(notes)
          .contains("kubectl -n pullsecret-webhook rollout status deployment/pullsecret-webhook")
          .contains("--dry-run=server -o jsonpath='{.spec.imagePullSecrets}'")
          .contains("Never sent to the webhook: namespaces kube-system, pullsecret-webhook");
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
  }

  @Nested
  class StrictReading {

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

  // --- helpers -----------------------------------------------------------------------------

  static final String NAME_LABEL = "kubernetes.io/metadata.name";

  /** spring.lifecycle.timeout-per-shutdown-phase of the webhook's application.properties. */
  static Duration shutdownPhaseOfTheWebhook() throws Exception {
    var properties = new Properties();
    try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
      properties.load(in);
    }
    return DurationStyle.detectAndParse(
        properties.getProperty("spring.lifecycle.timeout-per-shutdown-phase"));
  }

  static MutatingWebhook webhook(Rendering r) {
    return r.one(MutatingWebhookConfiguration.class).getWebhooks().getFirst();
  }

  static PodSpec podSpec(Rendering r) {
    return r.one(Deployment.class).getSpec().getTemplate().getSpec();
  }

  static Container webhookContainer(Rendering r) {
    return podSpec(r).getContainers().stream()
        .filter(c -> c.getName().equals("webhook"))
        .findFirst()
        .orElseThrow();
  }

  static VolumeMount mount(Rendering r, String path) {
    return webhookContainer(r).getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
  }

  static Volume volume(Rendering r, String name) {
    return podSpec(r).getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  static LabelSelectorRequirement requirement(List<LabelSelectorRequirement> all, String key) {
    return all.stream()
        .filter(e -> e.getKey().equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no selector requirement on " + key));
  }

  /** The container port a Service port's targetPort (a name or a number) points at. */
  static ContainerPort containerPort(Container container, ServicePort servicePort) {
    var target = servicePort.getTargetPort();
    return container.getPorts().stream()
        .filter(
            p ->
                target.getStrVal() != null
                    ? target.getStrVal().equals(p.getName())
                    : target.getIntVal().equals(p.getContainerPort()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("targetPort " + target + " is no container port"));
  }

  static int portNumber(Container container, String name) {
    return container.getPorts().stream()
        .filter(p -> p.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + name))
        .getContainerPort();
  }

  /** The Secret each certificate mode fills, found independently of the Deployment. */
  static String expectedTlsSecret(Rendering r) {
    var certificates =
        r.all(GenericKubernetesResource.class).stream()
            .filter(g -> g.getKind().equals("Certificate"))
            .filter(g -> !Boolean.TRUE.equals(g.get("spec", "isCA")))
            .toList();
    if (!certificates.isEmpty()) {
      return certificates.getFirst().get("spec", "secretName");
    }
    var secrets = r.all(Secret.class);
    if (!secrets.isEmpty()) {
      return secrets.getFirst().getMetadata().getName();
    }
    return "webhook-tls";
  }

  static GenericKubernetesResource custom(Rendering r, String kind, String name) {
    return r.all(GenericKubernetesResource.class).stream()
        .filter(g -> g.getKind().equals(kind) && g.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + r.kinds()));
  }

  static byte[] data(Secret secret, String key) {
    return Base64.getDecoder().decode(secret.getData().get(key));
  }

  static X509Certificate certificate(byte[] pem) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
  }

  static List<String> dnsNames(X509Certificate certificate) throws Exception {
    return certificate.getSubjectAlternativeNames().stream()
        .filter(san -> (Integer) san.get(0) == 2)
        .map(san -> (String) san.get(1))
        .toList();
  }

  /**
   * Values of an install on the Secret {@code webhook-tls} with {@code caBundle} as its CA, then
   * {@code more} paths and values.
   */
  private static Map<String, Object> existingSecret(String caBundle, Object... more) {
    Object[] existing = {
      "certificates.mode", "existingSecret",
      "certificates.existingSecret", "webhook-tls",
      "certificates.caBundle", caBundle
    };
    return Values.of(Stream.concat(Stream.of(existing), Stream.of(more)).toArray());
  }

  /** A caBundle as the jar's certs command writes it (caBundle.b64). */
  static String caBundleOfCertsTool() {
    var set =
        CertificateGenerator.generate(
            CertificateSpec.of("pullsecret-webhook", "pullsecret-webhook"), Clock.systemUTC());
    return PemFiles.caBundle(set.caCertificate());
  }
}
