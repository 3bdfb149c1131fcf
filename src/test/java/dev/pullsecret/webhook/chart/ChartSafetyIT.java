package dev.pullsecret.webhook.chart;

import static dev.pullsecret.webhook.chart.Renderings.NAME_LABEL;
import static dev.pullsecret.webhook.chart.Renderings.containerPort;
import static dev.pullsecret.webhook.chart.Renderings.expectedTlsSecret;
import static dev.pullsecret.webhook.chart.Renderings.mount;
import static dev.pullsecret.webhook.chart.Renderings.podSpec;
import static dev.pullsecret.webhook.chart.Renderings.portNumber;
import static dev.pullsecret.webhook.chart.Renderings.requirement;
import static dev.pullsecret.webhook.chart.Renderings.shutdownPhaseOfTheWebhook;
import static dev.pullsecret.webhook.chart.Renderings.volume;
import static dev.pullsecret.webhook.chart.Renderings.webhook;
import static dev.pullsecret.webhook.chart.Renderings.webhookContainer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.chart.HelmChart.Rendering;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Helm chart linted strictly and rendered by the real Helm engine in every scenario of {@link
 * Renderings#scenarios}, every object read strictly into fabric8's models: the properties that keep
 * a cluster safe, checked in every configuration.
 */
class ChartSafetyIT {

  @AfterEach
  void forgetSecrets() {
    HelmChart.api().clear();
  }

  @Test
  void passesStrictLint() {
    var result = HelmChart.lint();

    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.pullsecret.webhook.chart.Renderings#scenarios")
  void rendersTheCoreObjectsOncePerFile(String name, Rendering r) {
    assertThat(r.kinds())
        .contains(
            "ServiceAccount",
            "Service",
            "Deployment",
            "PodDisruptionBudget",
            "MutatingWebhookConfiguration");
    // Helm heads each document with the template it came from: one object per template file.
    List<String> sources = r.yaml().lines().filter(line -> line.startsWith("# Source: ")).toList();
    assertThat(sources).hasSameSizeAs(r.objects()).doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.pullsecret.webhook.chart.Renderings#scenarios")
  void neverSendsKubeSystemOrTheReleaseNamespace(String name, Rendering r) {
    LabelSelectorRequirement byName =
        requirement(webhook(r).getNamespaceSelector().getMatchExpressions(), NAME_LABEL);

    assertThat(byName.getOperator()).isEqualTo("NotIn");
    assertThat(byName.getValues()).contains("kube-system", r.namespace()).doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.pullsecret.webhook.chart.Renderings#scenarios")
  void letsNamespacesAndPodsOptOutWithALabel(String name, Rendering r) {
    MutatingWebhook webhook = webhook(r);

    for (var selector : List.of(webhook.getNamespaceSelector(), webhook.getObjectSelector())) {
      var optOut = requirement(selector.getMatchExpressions(), "pullsecret.dev/inject");
      assertThat(optOut.getOperator()).isEqualTo("NotIn");
      assertThat(optOut.getValues()).containsExactly("disabled");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.pullsecret.webhook.chart.Renderings#scenarios")
  void speaksAdmissionV1WithoutSideEffectsAndShortTimeouts(String name, Rendering r) {
    MutatingWebhook webhook = webhook(r);

    assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
    assertThat(webhook.getSideEffects()).isEqualTo("None");
    assertThat(webhook.getTimeoutSeconds()).isBetween(1, 10);
    assertThat(webhook.getReinvocationPolicy()).isEqualTo("IfNeeded");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.pullsecret.webhook.chart.Renderings#scenarios")
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
  @MethodSource("dev.pullsecret.webhook.chart.Renderings#scenarios")
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
  @MethodSource("dev.pullsecret.webhook.chart.Renderings#scenarios")
  void runsHardenedWithATokenOnlyForDelivery(String name, Rendering r) {
    PodSpec pod = podSpec(r);
    var container = webhookContainer(r).getSecurityContext();
    boolean sync = !r.all(ClusterRole.class).isEmpty();

    assertThat(pod.getAutomountServiceAccountToken()).isEqualTo(sync);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(container.getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(mount(r, "/tmp").getName()).isEqualTo("tmp");
    assertThat(volume(r, "tmp").getEmptyDir()).isNotNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.pullsecret.webhook.chart.Renderings#scenarios")
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
  @MethodSource("dev.pullsecret.webhook.chart.Renderings#scenarios")
  void keepsAWebhookPodThroughDrainsWithoutBlockingThem(String name, Rendering r) {
    PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class);

    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(r.one(Deployment.class).getSpec().getSelector().getMatchLabels());
    assertThat(pdb.getSpec().getUnhealthyPodEvictionPolicy()).isEqualTo("AlwaysAllow");
    assertThat(pdb.getSpec().getMinAvailable() != null)
        .isNotEqualTo(pdb.getSpec().getMaxUnavailable() != null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.pullsecret.webhook.chart.Renderings#scenarios")
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
  @MethodSource("dev.pullsecret.webhook.chart.Renderings#scenarios")
  void mountsTheTlsSecretWhereTheWebhookReadsItWithoutWorldReadableKeys(String name, Rendering r) {
    VolumeMount tls = mount(r, "/etc/pullsecret-webhook/tls");
    var secret = volume(r, tls.getName()).getSecret();

    assertThat(tls.getSubPath()).isNull();
    assertThat(secret.getSecretName()).isEqualTo(expectedTlsSecret(r));
    assertThat(secret.getDefaultMode() & 0007).isZero();
    assertThat(podSpec(r).getSecurityContext().getFsGroup()).isEqualTo(65532L);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.pullsecret.webhook.chart.Renderings#scenarios")
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
  @MethodSource("dev.pullsecret.webhook.chart.Renderings#scenarios")
  void leavesTheServiceBeforeSigtermAndHasTimeToAnswerWhatIsInFlight(String name, Rendering r)
      throws Exception {
    long sleep = webhookContainer(r).getLifecycle().getPreStop().getSleep().getSeconds();
    long grace = podSpec(r).getTerminationGracePeriodSeconds();

    assertThat(sleep).isPositive();
    // The grace period counts from the deletion: the preStop sleep, then the webhook's shutdown.
    assertThat(grace).isGreaterThan(sleep + shutdownPhaseOfTheWebhook().toSeconds());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.pullsecret.webhook.chart.Renderings#scenarios")
  void restartsForNothingThatIsReloadedLive(String name, Rendering r) {
    var annotations =
        r.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations();

    assertThat(annotations == null ? Map.of() : annotations)
        .as("rules and TLS are reloaded without a restart")
        .doesNotContainKeys("checksum/rules", "checksum/tls", "checksum/config");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.pullsecret.webhook.chart.Renderings#scenarios")
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
