package dev.pullsecret.webhook.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.chart.HelmChart.Rendering;
import dev.pullsecret.webhook.delivery.CopyMarks;
import dev.pullsecret.webhook.doctor.AccessCheck;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.ClusterWebhook;
import dev.pullsecret.webhook.testing.RequiresKubeApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Least privilege with real authorization: the chart is rendered by the Helm engine with its
 * default rules, its ServiceAccount and roles are applied to a real API server (RBAC on), and the
 * webhook runs on that ServiceAccount's token, as in a cluster. Delivery works end to end; any
 * other Secret is refused to it; a rules edit that names a Secret the roles do not cover is
 * reported (Event, metric, doctor) while the other copies keep being synced.
 */
@RequiresKubeApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartRbacIT {

  private static final String RULES =
      """
      pullSecrets:
        - {name: regcred, source: regcred}
      rules:
        - {name: everyone, namespaces: ["*"], pullSecrets: [regcred]}
      """;

  private static final String RULES_WITH_AN_UNCOVERED_NAME =
      """
      pullSecrets:
        - {name: regcred, source: regcred}
        - {name: extra-creds, source: extra-creds}
      rules:
        - {name: everyone, namespaces: ["*"], pullSecrets: [regcred, extra-creds]}
      """;

  ClusterWebhook cluster;
  KubernetesClient admin;
  KubernetesClient asWebhook;
  String own;
  String serviceAccount;

  @BeforeAll
  void installTheChartsRbacAndStart() throws InterruptedException {
    cluster = new ClusterWebhook();
    admin = cluster.admin();
    own = cluster.own();
    Rendering chart = HelmChart.render(own, own, Map.of());
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
    for (String source : List.of("regcred", "extra-creds")) {
      admin.secrets().inNamespace(own).resource(pullSecret(own, source, "v1")).create();
    }
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
    var kubeconfig =
        cluster.kube().writeKubeconfig(serviceAccount, token, cluster.file("sa-kubeconfig"));
    asWebhook =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(Config.empty())
                    .withMasterUrl(cluster.kube().url())
                    .withCaCertData(base64(cluster.kube().caPem()))
                    .withOauthToken(token)
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
    cluster.start(
        RULES.getBytes(StandardCharsets.UTF_8),
        Map.of(
            "webhook.sync.lease-name", own + "-sync",
            "webhook.skip-namespaces", "kube-system," + own),
        "probe-",
        kubeconfig);
  }

  @AfterAll
  void stop() {
    if (asWebhook != null) {
      asWebhook.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void deliversCreatesRotatesAndRemovesCopiesUnderTheRenderedRoles() {
    String namespace = cluster.namespace("team-", Map.of());
    cluster.eventually(
        "regcred copied into " + namespace,
        () -> assertThat(content(cluster.secret(namespace, "regcred"))).isEqualTo("v1"));

    admin
        .secrets()
        .inNamespace(own)
        .withName("regcred")
        .edit(s -> pullSecret(own, "regcred", "v2"));
    cluster.eventually(
        "the copy rotated",
        () -> assertThat(content(cluster.secret(namespace, "regcred"))).isEqualTo("v2"));

    cluster.label(namespace, "pullsecret.dev/inject", "disabled");
    cluster.eventually(
        "the copy removed when the namespace opts out",
        () -> assertThat(cluster.secret(namespace, "regcred")).isNull());
    assertThat(cluster.process().log())
        .as("the Lease is renewed as the roles allow (fabric8 renews with a PATCH)")
        .doesNotContain("leases.coordination.k8s.io \"" + own + "-sync\" is forbidden");
  }

  @Test
  @Order(2)
  void noOtherSecretIsWithinReach() {
    admin
        .secrets()
        .inNamespace("default")
        .resource(pullSecret("default", "someone-elses", "private"))
        .create();

    assertThat(can("get", "default", "someone-elses")).isFalse();
    assertThat(can("list", "default", null)).as("list every Secret of a namespace").isFalse();
    assertThat(can("list", "", null)).as("list every Secret of the cluster").isFalse();
    assertThat(can("get", own, "extra-creds")).as("a source the rules do not deliver").isFalse();
    assertThat(can("get", "default", "regcred")).as("a copy, wherever it is").isTrue();
    assertThat(can("watch", "", "regcred")).isTrue();
    assertThat(can("create", "default", null)).as("create cannot be limited to names").isTrue();
    assertThatThrownBy(
            () -> asWebhook.secrets().inNamespace("default").withName("someone-elses").get())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }

  @Test
  @Order(3)
  void aRulesEditNamingAnUncoveredSecretIsReportedAndTheRestKeepsSyncing() throws Exception {
    cluster.files().writeRules(RULES_WITH_AN_UNCOVERED_NAME.getBytes(StandardCharsets.UTF_8));

    cluster.eventually(
        "a CopyForbidden Event on the source extra-creds",
        () ->
            assertThat(
                    admin.events().v1().events().inNamespace(own).list().getItems().stream()
                        .filter(e -> "CopyForbidden".equals(e.getReason()))
                        .filter(e -> "extra-creds".equals(e.getRegarding().getName())))
                .singleElement()
                .satisfies(e -> assertThat(e.getNote()).contains("extra-creds")));
    String namespace = cluster.namespace("team-", Map.of());
    cluster.eventually(
        "regcred still copied into new namespaces; extra-creds counted forbidden",
        () -> {
          assertThat(cluster.secret(namespace, "regcred")).isNotNull();
          assertThat(cluster.scrape())
              .containsPattern("pullsecret_secret_copies\\{state=\"forbidden\"\\} [1-9]");
        });
    assertThat(cluster.secret(namespace, "extra-creds")).isNull();

    double askedBefore = accessReviewsAsked();
    var access =
        new AccessCheck(admin, own, serviceAccount)
            .check(RulesParser.parse(RULES_WITH_AN_UNCOVERED_NAME, "rules.yaml"));
    assertThat(accessReviewsAsked() - askedBefore)
        .as("create secrets asked once, then five verbs on each copy and three on each source")
        .isEqualTo(1 + 2 * (5 + 3));
    assertThat(access)
        .filteredOn(result -> result.pullSecret().equals("regcred"))
        .singleElement()
        .satisfies(result -> assertThat(result.ok()).isTrue());
    assertThat(access)
        .filteredOn(result -> result.pullSecret().equals("extra-creds"))
        .singleElement()
        .satisfies(
            result ->
                assertThat(result.lacking())
                    .contains(
                        "watch secrets named extra-creds",
                        "update secrets named extra-creds",
                        "get its source " + own + "/extra-creds"));
  }

  /** The SubjectAccessReviews the API server has answered, from its own metrics. */
  private double accessReviewsAsked() {
    return admin
        .raw("/metrics")
        .lines()
        .filter(line -> line.startsWith("apiserver_request_total{"))
        .filter(line -> line.contains("resource=\"subjectaccessreviews\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** SelfSubjectAccessReview as the webhook: what {@code kubectl auth can-i} asks. */
  private boolean can(String verb, String namespace, String name) {
    SelfSubjectAccessReview review =
        new SelfSubjectAccessReviewBuilder()
            .withNewSpec()
            .withNewResourceAttributes()
            .withVerb(verb)
            .withResource("secrets")
            .withNamespace(namespace)
            .withName(name)
            .endResourceAttributes()
            .endSpec()
            .build();
    return Boolean.TRUE.equals(asWebhook.resource(review).create().getStatus().getAllowed());
  }

  private static Secret pullSecret(String namespace, String name, String version) {
    String config =
        "{\"auths\":{\"registry.example.com\":{\"auth\":\"" + base64("user:" + version) + "\"}}}";
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .withData(Map.of(".dockerconfigjson", base64(config)))
        .build();
  }

  /** The version a copy holds, as {@link #pullSecret} wrote it. */
  private static String content(Secret secret) {
    if (secret == null) {
      return null;
    }
    assertThat(secret.getMetadata().getLabels())
        .containsEntry(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY);
    String config =
        new String(
            Base64.getDecoder().decode(secret.getData().get(".dockerconfigjson")),
            StandardCharsets.UTF_8);
    String auth = config.replaceAll(".*\"auth\":\"([^\"]+)\".*", "$1");
    return new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8)
        .substring("user:".length());
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
