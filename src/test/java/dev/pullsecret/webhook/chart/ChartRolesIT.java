package dev.pullsecret.webhook.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.chart.HelmChart.Rendering;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The RBAC of secret delivery, rendered from the rules: by default only the Secrets named as the
 * copies the rules deliver, and their sources by name (docs/secret-delivery.md, "Access").
 */
class ChartRolesIT {

  private static final String NAMESPACES = "/namespaces: get,list,watch";
  private static final String EVENTS = "events.k8s.io/events: create";
  private static final String CREATE = "/secrets: create";
  private static final String PODS = "/pods: list,watch";

  @Test
  void theDefaultGrantsTheCopiesOfItsOneRuleByNameAndCreate() {
    Rendering on = HelmChart.render(Map.of());
    ClusterRole role = on.one(ClusterRole.class);

    assertThat(role.getMetadata().getName()).isEqualTo("pullsecret-webhook-sync");
    assertThat(rules(role.getRules()))
        .containsExactlyInAnyOrder(
            CREATE, "/secrets[regcred]: get,list,watch,update,delete", NAMESPACES, EVENTS, PODS);
    assertThat(rules(on.one(Role.class).getRules()))
        .containsExactlyInAnyOrder(
            "coordination.k8s.io/leases: create",
            "coordination.k8s.io/leases[pullsecret-webhook-sync]: get,update,patch",
            "/configmaps[pullsecret-webhook-rules]: get,list,watch",
            "/secrets[regcred]: get,list,watch");
    ClusterRoleBinding binding = on.one(ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName())
                  .isEqualTo(on.one(ServiceAccount.class).getMetadata().getName());
              assertThat(s.getNamespace()).isEqualTo(on.namespace());
            });
    assertThat(on.one(RoleBinding.class).getRoleRef().getName())
        .isEqualTo(on.one(Role.class).getMetadata().getName());
  }

  @Test
  void namesEveryDeliveredCopyAndReadsSourcesElsewhereByName() {
    Rendering r =
        HelmChart.render(
            Values.of(
                "rules.pullSecrets",
                List.of(
                    Map.of("name", "hub-creds", "source", "hub-creds"),
                    Map.of("name", "corp-creds", "source", "platform/corp-source"),
                    Map.of("name", "gar-creds", "source", "platform/gar-creds"),
                    Map.of("name", "by-hand")),
                "rules.rules",
                List.of(
                    Map.of(
                        "name",
                        "all",
                        "namespaces",
                        List.of("*"),
                        "pullSecrets",
                        List.of("hub-creds", "corp-creds", "gar-creds", "by-hand")))));

    assertThat(rules(r.one(ClusterRole.class).getRules()))
        .containsExactlyInAnyOrder(
            CREATE,
            "/secrets[corp-creds,gar-creds,hub-creds]: get,list,watch,update,delete",
            "/secrets[corp-source]: get,list,watch",
            NAMESPACES,
            EVENTS,
            PODS);
    assertThat(rules(r.one(Role.class).getRules())).contains("/secrets[hub-creds]: get,list,watch");
  }

  @Test
  void rulesKeptOutsideTheChartNameTheirPullSecretsInExtraPullSecrets() {
    Rendering r =
        HelmChart.render(
            Values.of(
                "existingRulesConfigMap",
                "team-rules",
                "sync.rbac.extraPullSecrets",
                List.of(Map.of("name", "team-creds", "source", "team-creds"))));

    assertThat(rules(r.one(ClusterRole.class).getRules()))
        .containsExactlyInAnyOrder(
            CREATE, "/secrets[team-creds]: get,list,watch,update,delete", NAMESPACES, EVENTS, PODS)
        .as("the chart's own rules are not rendered, so not named")
        .noneMatch(rule -> rule.contains("regcred"));
  }

  @Test
  void withoutDeliveredSecretsNoSecretAtAll() {
    Rendering r =
        HelmChart.render(
            Values.of(
                "rules.pullSecrets",
                List.of(Map.of("name", "by-hand")),
                "rules.rules",
                List.of(
                    Map.of("name", "all", "namespaces", List.of("*"), "pullSecrets", List.of()))));

    assertThat(rules(r.one(ClusterRole.class).getRules()))
        .containsExactlyInAnyOrder(NAMESPACES, EVENTS, PODS);
    assertThat(rules(r.one(Role.class).getRules())).noneMatch(rule -> rule.contains("secrets"));
  }

  /**
   * A pull secret with a credential provider: its copies by name, and the Secret the webhook
   * generates for it (NAME-provider, in the release namespace) read and updated by name.
   */
  @Test
  void namesTheSecretGeneratedForAPullSecretWithAProvider() {
    Rendering r =
        HelmChart.render(
            Values.of(
                "rules.pullSecrets",
                List.of(
                    Map.of(
                        "name",
                        "ecr-creds",
                        "provider",
                        "ecr-credential-provider",
                        "registries",
                        List.of("123456789012.dkr.ecr.eu-west-1.amazonaws.com"))),
                "rules.rules",
                List.of(
                    Map.of(
                        "name",
                        "all",
                        "namespaces",
                        List.of("*"),
                        "pullSecrets",
                        List.of("ecr-creds")))));

    assertThat(rules(r.one(ClusterRole.class).getRules()))
        .containsExactlyInAnyOrder(
            CREATE, "/secrets[ecr-creds]: get,list,watch,update,delete", NAMESPACES, EVENTS, PODS);
    assertThat(rules(r.one(Role.class).getRules()))
        .contains("/secrets[ecr-creds-provider]: get,list,watch,update")
        .noneMatch(rule -> rule.startsWith("/secrets[ecr-creds]"));
    assertThat(
            rules(
                HelmChart.render(Values.of("sync.rbac.scope", "cluster"))
                    .one(Role.class)
                    .getRules()))
        .as("the cluster scope's ClusterRole covers it already")
        .noneMatch(rule -> rule.contains("secrets"));
  }

  @Test
  void theClusterScopeIsTheBroadRuleOfOld() {
    Rendering r = HelmChart.render(Values.of("sync.rbac.scope", "cluster"));

    assertThat(rules(r.one(ClusterRole.class).getRules()))
        .containsExactlyInAnyOrder(
            "/secrets: get,list,watch,create,update,delete", NAMESPACES, EVENTS, PODS);
    assertThat(rules(r.one(Role.class).getRules())).noneMatch(rule -> rule.contains("secrets"));
  }

  @Test
  void recoveryReadsPendingPodsAndEvictsOnlyWhenAskedTo() {
    List<String> off = rules(clusterRole("off").getRules());
    List<String> report = rules(clusterRole("report").getRules());
    List<String> evict = rules(clusterRole("evict").getRules());

    assertThat(off).doesNotContain(PODS).noneMatch(rule -> rule.contains("eviction"));
    assertThat(report).contains(PODS).noneMatch(rule -> rule.contains("eviction"));
    assertThat(evict).contains(PODS, "/pods/eviction: create");
  }

  private static ClusterRole clusterRole(String recovery) {
    return HelmChart.render(Values.of("recovery.mode", recovery)).one(ClusterRole.class);
  }

  @Test
  void theSchemaRefusesAnUnknownScopeOrAMalformedPullSecret() {
    assertThatThrownBy(() -> HelmChart.render(Values.of("sync.rbac.scope", "everything")))
        .hasMessageContaining("scope");
    assertThatThrownBy(
            () ->
                HelmChart.render(
                    Values.of("sync.rbac.extraPullSecrets", List.of(Map.of("source", "ns/name")))))
        .hasMessageContaining("name");
  }

  /** {@code group/resource[names]: verbs}, one per resource of each rule. */
  static List<String> rules(List<PolicyRule> rules) {
    return rules.stream()
        .flatMap(
            rule ->
                rule.getResources().stream()
                    .map(
                        resource ->
                            String.join(",", rule.getApiGroups())
                                + "/"
                                + resource
                                + (rule.getResourceNames() == null
                                        || rule.getResourceNames().isEmpty()
                                    ? ""
                                    : rule.getResourceNames().toString().replace(" ", ""))
                                + ": "
                                + String.join(",", rule.getVerbs())))
        .toList();
  }
}
