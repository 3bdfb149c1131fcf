package dev.pullsecret.webhook.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.chart.HelmChart.Rendering;
import dev.pullsecret.webhook.doctor.AccessCheck;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.ClusterWebhook;
import dev.pullsecret.webhook.testing.RequiresKubeApiServer;
import dev.pullsecret.webhook.testing.StubCredentialProvider;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chart's roles (sync.rbac.scope=names) with a pull secret whose credentials come from a
 * provider, on a real API server with RBAC, the webhook running on the ServiceAccount's token and
 * the stub plugin: the roles name the generated Secret, and what the renewals do (create it, watch
 * it, update it at each renewal, record Events) is allowed; doctor's access check agrees.
 */
@RequiresKubeApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartProvidersRbacIT {

  private static final String RULES =
      """
      pullSecrets:
        - {name: stub-creds, provider: stub-provider, registries: ["registry.test:5000"]}
        - {name: by-hand}
      rules:
        - {name: everyone, namespaces: ["*"], pullSecrets: [stub-creds, by-hand]}
      """;

  ClusterWebhook cluster;
  String own;
  String serviceAccount;

  @BeforeAll
  void installTheChartsRbacAndStart() throws Exception {
    cluster = new ClusterWebhook();
    var admin = cluster.admin();
    own = cluster.own();
    Rendering chart =
        HelmChart.render(
            own,
            own,
            Values.of(
                "rules",
                new org.yaml.snakeyaml.Yaml().load(RULES),
                "credentialProviders.enabled",
                true,
                "credentialProviders.plugins.volume",
                Map.of("emptyDir", Map.of())));
    for (Class<? extends HasMetadata> kind :
        List.of(
            ServiceAccount.class,
            ClusterRole.class,
            ClusterRoleBinding.class,
            Role.class,
            RoleBinding.class)) {
      chart.all(kind).forEach(object -> admin.resource(object).create());
    }
    serviceAccount = chart.one(ServiceAccount.class).getMetadata().getName();
    String token =
        admin
            .serviceAccounts()
            .inNamespace(own)
            .withName(serviceAccount)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Path kubeconfig =
        cluster.kube().writeKubeconfig(serviceAccount, token, cluster.file("sa-kubeconfig"));
    var stub =
        StubCredentialProvider.install(cluster.file("bin"), "stub-provider")
            .set("CACHE_DURATION", "4s");
    Path config = cluster.file("providers.yaml");
    Files.writeString(config, stub.config("registry.test:5000", "1h", Map.of()));
    cluster.start(
        RULES.getBytes(StandardCharsets.UTF_8),
        Map.of(
            "webhook.sync.lease-name",
            own + "-sync",
            "webhook.skip-namespaces",
            "kube-system," + own,
            "webhook.credential-providers.config",
            config.toString(),
            "webhook.credential-providers.bin-dir",
            stub.binDir().toString()),
        "probe-",
        kubeconfig);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theRenewalsCreateWatchAndUpdateTheGeneratedSecretUnderTheRenderedRoles() {
    String namespace = cluster.namespace("team-", Map.of());
    cluster.eventually(
        "stub-creds copied into " + namespace,
        () -> assertThat(cluster.secret(namespace, "stub-creds")).isNotNull());
    Secret first = cluster.secret(own, "stub-creds-provider");

    cluster.eventually(
        "the generated Secret and its copy updated at the next renewal",
        Duration.ofSeconds(15),
        () -> {
          Secret renewed = cluster.secret(own, "stub-creds-provider");
          assertThat(renewed.getData()).isNotEqualTo(first.getData());
          assertThat(cluster.secret(namespace, "stub-creds").getData())
              .isEqualTo(renewed.getData());
        });
    assertThat(
            cluster.admin().events().v1().events().inNamespace(own).list().getItems().stream()
                .filter(e -> "CredentialsRenewed".equals(e.getReason())))
        .as("Events recorded")
        .isNotEmpty();
    assertThat(cluster.process().log()).doesNotContain("is forbidden");
    assertThat(
            new AccessCheck(cluster.admin(), own, serviceAccount)
                .check(RulesParser.parse(RULES, "rules.yaml")))
        .singleElement()
        .satisfies(result -> assertThat(result.ok()).as(result.lacking().toString()).isTrue());
  }
}
