package dev.pullsecret.webhook.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.chart.HelmChart.Rendering;
import dev.pullsecret.webhook.providers.CredentialProvider;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The chart's credential providers: off by default; on, the config in a ConfigMap the webhook
 * reads, the plugins from an image (an init container filling an emptyDir) or a volume, the
 * ServiceAccount's workload identity, and the generated Secrets granted by name.
 */
class ChartProvidersIT {

  static final String DIR = "/etc/pullsecret-webhook/credential-providers";

  /** The ECR provider as EKS nodes are configured with it. */
  static final Map<String, Object> ECR =
      Map.of(
          "name", "ecr-credential-provider",
          "matchImages", List.of("*.dkr.ecr.*.amazonaws.com", "*.dkr.ecr.*.amazonaws.com.cn"),
          "defaultCacheDuration", "12h",
          "apiVersion", "credentialprovider.kubelet.k8s.io/v1");

  static final List<Map<String, Object>> RULES_PULL_SECRETS =
      List.of(
          Map.of(
              "name",
              "ecr-creds",
              "provider",
              "ecr-credential-provider",
              "registries",
              List.of("123456789012.dkr.ecr.eu-west-1.amazonaws.com")),
          Map.of("name", "regcred", "source", "regcred"));

  /** Providers on, with the plugins from an image. */
  static Map<String, Object> withImage(Object... more) {
    var values =
        new java.util.ArrayList<Object>(
            List.of(
                "credentialProviders.enabled",
                true,
                "credentialProviders.config.providers",
                List.of(ECR),
                "credentialProviders.plugins.image.repository",
                "registry.corp/platform/credential-providers",
                "credentialProviders.plugins.image.tag",
                "1.31.0",
                "rules.pullSecrets",
                RULES_PULL_SECRETS,
                "rules.rules",
                List.of(
                    Map.of(
                        "name",
                        "everyone",
                        "namespaces",
                        List.of("*"),
                        "pullSecrets",
                        List.of("ecr-creds", "regcred")))));
    values.addAll(List.of(more));
    return Values.of(values.toArray());
  }

  @Test
  void offByDefault() {
    Rendering defaults = HelmChart.render(Map.of());

    assertThat(defaults.all(ConfigMap.class))
        .noneMatch(c -> c.getMetadata().getName().endsWith("-credential-providers"));
    assertThat(env(defaults)).doesNotContainKey("WEBHOOK_CREDENTIAL_PROVIDERS_CONFIG");
    assertThat(podSpec(defaults).getInitContainers()).isNullOrEmpty();
    assertThat(podSpec(defaults).getShareProcessNamespace()).isNull();
  }

  @Test
  void theConfigIsTheKubeletsAndPassesTheWebhooksOwnChecks() {
    Rendering r = HelmChart.render(withImage());

    ConfigMap config = configMap(r);
    List<CredentialProvider> parsed =
        CredentialProvider.parse(config.getData().get("config.yaml"), "rendered");

    assertThat(parsed)
        .extracting(CredentialProvider::name)
        .containsExactly("ecr-credential-provider");
    assertThat(env(r))
        .containsEntry("WEBHOOK_CREDENTIAL_PROVIDERS_CONFIG", DIR + "/config/config.yaml")
        .containsEntry("WEBHOOK_CREDENTIAL_PROVIDERS_BIN_DIR", DIR + "/bin")
        .containsEntry("WEBHOOK_CREDENTIAL_PROVIDERS_TIMEOUT", "1m");
    assertThat(mount(r, "credential-provider-config").getMountPath()).isEqualTo(DIR + "/config");
    assertThat(volume(r, "credential-provider-config").getConfigMap().getName())
        .isEqualTo(config.getMetadata().getName());
    assertThat(r.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations())
        .as("read at start-up: a change rolls the pods")
        .containsKey("checksum/credential-providers");
    assertThat(podSpec(r).getShareProcessNamespace())
        .as("the pause container, PID 1, reaps the plugins' orphaned children")
        .isTrue();
  }

  @Test
  void anInitContainerCopiesThePluginsFromTheirImageIntoAnEmptyDir() {
    Rendering r = HelmChart.render(withImage());

    Container copy = podSpec(r).getInitContainers().getFirst();
    assertThat(copy.getImage()).isEqualTo("registry.corp/platform/credential-providers:1.31.0");
    assertThat(copy.getCommand()).containsExactly("cp", "-R", "/plugins/.", "/plugins/");
    assertThat(copy.getVolumeMounts())
        .singleElement()
        .satisfies(m -> assertThat(m.getName()).isEqualTo("credential-provider-plugins"));
    assertThat(copy.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(copy.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(volume(r, "credential-provider-plugins").getEmptyDir()).isNotNull();
    assertThat(mount(r, "credential-provider-plugins").getMountPath()).isEqualTo(DIR + "/bin");
    assertThat(mount(r, "credential-provider-plugins").getReadOnly()).isTrue();
  }

  @Test
  void aDigestPinsThePluginImage() {
    String digest = "sha256:" + "a".repeat(64);
    Rendering r = HelmChart.render(withImage("credentialProviders.plugins.image.digest", digest));

    assertThat(podSpec(r).getInitContainers().getFirst().getImage())
        .isEqualTo("registry.corp/platform/credential-providers@" + digest);
  }

  @Test
  void orAVolumeHoldsThemSuchAsTheNodesOwn() {
    Rendering r =
        HelmChart.render(
            withImage(
                "credentialProviders.plugins.image.repository",
                "",
                "credentialProviders.plugins.volume",
                Map.of("hostPath", Map.of("path", "/etc/eks/image-credential-provider"))));

    assertThat(podSpec(r).getInitContainers()).isNullOrEmpty();
    assertThat(volume(r, "credential-provider-plugins").getHostPath().getPath())
        .isEqualTo("/etc/eks/image-credential-provider");
  }

  @Test
  void aSecretOfFilesForThePluginsIsMountedBesideThem() {
    Rendering r = HelmChart.render(withImage("credentialProviders.filesSecret", "azure-config"));

    assertThat(volume(r, "credential-provider-files").getSecret().getSecretName())
        .isEqualTo("azure-config");
    assertThat(volume(r, "credential-provider-files").getSecret().getDefaultMode()).isEqualTo(0440);
    assertThat(mount(r, "credential-provider-files").getMountPath()).isEqualTo(DIR + "/files");
    assertThat(
            HelmChart.render(withImage())
                .one(Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getVolumes())
        .noneMatch(v -> v.getName().equals("credential-provider-files"));
  }

  @Test
  void theServiceAccountCarriesTheWorkloadIdentityOfItsCloud() {
    Rendering r =
        HelmChart.render(
            withImage(
                "serviceAccount.annotations",
                Map.of("azure.workload.identity/client-id", "0000-client"),
                "serviceAccount.labels",
                Map.of("azure.workload.identity/use", "true"),
                "podLabels",
                Map.of("azure.workload.identity/use", "true")));

    ServiceAccount account = r.one(ServiceAccount.class);
    assertThat(account.getMetadata().getAnnotations())
        .containsEntry("azure.workload.identity/client-id", "0000-client");
    assertThat(account.getMetadata().getLabels())
        .containsEntry("azure.workload.identity/use", "true")
        .containsKey("app.kubernetes.io/name");
    assertThat(r.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("azure.workload.identity/use", "true");
  }

  @Test
  void theRbacNamesTheGeneratedSecretAndTheCopiesOfAPullSecretWithAProvider() {
    Rendering r = HelmChart.render(withImage());

    assertThat(ChartRolesIT.rules(r.one(ClusterRole.class).getRules()))
        .contains("/secrets: create", "/secrets[ecr-creds,regcred]: get,list,watch,update,delete");
    assertThat(ChartRolesIT.rules(r.one(Role.class).getRules()))
        .contains(
            "/secrets[regcred]: get,list,watch",
            "/secrets[ecr-creds-provider]: get,list,watch,update");
  }

  @Test
  void rulesKeptOutsideTheChartNameTheirProvidersInExtraPullSecrets() {
    Rendering r =
        HelmChart.render(
            withImage(
                "existingRulesConfigMap",
                "team-rules",
                "sync.rbac.extraPullSecrets",
                List.of(Map.of("name", "gar-creds", "provider", "auth-provider-gcp"))));

    assertThat(ChartRolesIT.rules(r.one(ClusterRole.class).getRules()))
        .contains("/secrets[gar-creds]: get,list,watch,update,delete");
    assertThat(ChartRolesIT.rules(r.one(Role.class).getRules()))
        .contains("/secrets[gar-creds-provider]: get,list,watch,update")
        .noneMatch(rule -> rule.contains("ecr-creds"));
  }

  @Test
  void refusesWhatCannotWork() {
    assertThatThrownBy(() -> HelmChart.render(withImage("sync.enabled", false)))
        .hasMessageContaining("credentialProviders.enabled needs sync.enabled");
    assertThatThrownBy(
            () -> HelmChart.render(withImage("credentialProviders.plugins.image.repository", "")))
        .hasMessageContaining("give the plugin binaries");
    assertThatThrownBy(
            () ->
                HelmChart.render(
                    withImage(
                        "credentialProviders.plugins.volume",
                        Map.of("hostPath", Map.of("path", "/opt/plugins")))))
        .hasMessageContaining("either image or volume, not both");
    assertThatThrownBy(
            () -> HelmChart.render(withImage("credentialProviders.plugins.image.tag", "")))
        .hasMessageContaining("give a tag or a digest");
    assertThatThrownBy(
            () ->
                HelmChart.render(
                    withImage("credentialProviders.config.kind", "KubeletConfiguration")))
        .hasMessageContaining("kind");
    assertThatThrownBy(
            () ->
                HelmChart.render(
                    withImage(
                        "credentialProviders.config.providers",
                        List.of(Map.of("name", "ecr-credential-provider")))))
        .hasMessageContaining("matchImages");
  }

  static ConfigMap configMap(Rendering r) {
    return r.all(ConfigMap.class).stream()
        .filter(c -> c.getMetadata().getName().equals("pullsecret-webhook-credential-providers"))
        .findFirst()
        .orElseThrow();
  }

  static Map<String, String> env(Rendering r) {
    return Renderings.webhookContainer(r).getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  static io.fabric8.kubernetes.api.model.PodSpec podSpec(Rendering r) {
    return Renderings.podSpec(r);
  }

  static Volume volume(Rendering r, String name) {
    return podSpec(r).getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static VolumeMount mount(Rendering r, String name) {
    return Renderings.webhookContainer(r).getVolumeMounts().stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
