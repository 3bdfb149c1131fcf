package dev.pullsecret.webhook.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.chart.HelmChart.Rendering;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The chart's secret delivery: token, env, egress, and the off switch (RBAC: ChartRolesIT). */
class ChartSyncIT {

  private final Rendering on = HelmChart.render(Map.of());
  private final Rendering off = HelmChart.render(Values.of("sync.enabled", false));

  @Test
  void theRulesConfigMapGrantFollowsAnExistingConfigMap() {
    Rendering existing = HelmChart.render(Values.of("existingRulesConfigMap", "team-rules"));

    assertThat(ChartRolesIT.rules(existing.one(Role.class).getRules()))
        .contains("/configmaps[team-rules]: get,list,watch");
    assertThat(env(existing)).containsEntry("WEBHOOK_SYNC_RULES_CONFIG_MAP", "team-rules");
  }

  /**
   * With {@code serviceAccount.create=false} and no name, the webhook ran as the release
   * namespace's {@code default} ServiceAccount and the chart bound its roles (Secrets created
   * anywhere, the copies read and replaced everywhere, pending pods listed and evicted
   * cluster-wide) to it: to every pod of that namespace that names no ServiceAccount, token mounted
   * by default. Refused when delivery binds roles; with delivery off nothing is bound, so it stays
   * allowed.
   */
  @Test
  void neverBindsItsRolesToTheNamespacesDefaultServiceAccount() {
    for (String name : List.of("", "default")) {
      var values = Values.of("serviceAccount.create", false, "serviceAccount.name", name);

      assertThatThrownBy(() -> HelmChart.render(values))
          .as("serviceAccount.name '%s'", name)
          .hasMessageContaining("the namespace's default ServiceAccount");
    }
    var own = Values.of("serviceAccount.create", false, "serviceAccount.name", "webhook");
    assertThat(HelmChart.render(own).one(ClusterRoleBinding.class).getSubjects())
        .singleElement()
        .satisfies(subject -> assertThat(subject.getName()).isEqualTo("webhook"));
    var offValues =
        Values.of("sync.enabled", false, "serviceAccount.create", false, "serviceAccount.name", "");
    assertThat(HelmChart.render(offValues).all(ClusterRoleBinding.class)).isEmpty();
  }

  @Test
  void mountsTheTokenAndConfiguresTheLoopWhenOn() {
    assertThat(on.one(ServiceAccount.class).getAutomountServiceAccountToken()).isTrue();
    assertThat(
            on.one(Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAutomountServiceAccountToken())
        .isTrue();
    assertThat(env(on))
        .containsEntry("WEBHOOK_SYNC_ENABLED", "true")
        .containsEntry("WEBHOOK_SYNC_RULES_CONFIG_MAP", "pullsecret-webhook-rules")
        .containsEntry("WEBHOOK_SYNC_LEASE_NAME", "pullsecret-webhook-sync")
        .containsEntry("WEBHOOK_SYNC_WORKERS", "4")
        .containsEntry("WEBHOOK_SYNC_RESYNC", "10m")
        .containsKey("POD_NAME");
  }

  @Test
  void offMeansReferencesOnlyNoTokenNoRbacNoEgress() {
    Rendering offWithPolicy =
        HelmChart.render(Values.of("sync.enabled", false, "networkPolicy.enabled", true));

    assertThat(off.all(ClusterRole.class)).isEmpty();
    assertThat(off.all(ClusterRoleBinding.class)).isEmpty();
    assertThat(off.all(Role.class)).isEmpty();
    assertThat(off.all(RoleBinding.class)).isEmpty();
    assertThat(off.one(ServiceAccount.class).getAutomountServiceAccountToken()).isFalse();
    assertThat(env(off)).doesNotContainKeys("WEBHOOK_SYNC_ENABLED", "POD_NAME");
    assertThat(offWithPolicy.one(NetworkPolicy.class).getSpec().getEgress()).isEmpty();
  }

  @Test
  void egressReachesTheApiServerAddressesAndPortsGiven() {
    Rendering r =
        HelmChart.render(
            Values.of(
                "networkPolicy.enabled",
                true,
                "sync.apiServer.cidrs",
                List.of("10.0.0.10/32", "10.0.0.11/32"),
                "sync.apiServer.ports",
                List.of(6443)));

    NetworkPolicyEgressRule rule = r.one(NetworkPolicy.class).getSpec().getEgress().getFirst();
    assertThat(rule.getPorts()).map(p -> p.getPort().getIntVal()).containsExactly(6443);
    assertThat(rule.getTo())
        .map(peer -> peer.getIpBlock().getCidr())
        .containsExactly("10.0.0.10/32", "10.0.0.11/32");
  }

  @Test
  void theSchemaRefusesUnknownOrMalformedSyncValues() {
    assertThatThrownBy(() -> HelmChart.render(Values.of("sync.enable", true)))
        .hasMessageContaining("enable");
    assertThatThrownBy(
            () -> HelmChart.render(Values.of("sync.apiServer.cidrs", List.of("10.0.0.1"))))
        .hasMessageContaining("cidrs");
    assertThatThrownBy(() -> HelmChart.render(Values.of("sync.workers", 0)))
        .hasMessageContaining("workers");
    assertThatThrownBy(() -> HelmChart.render(Values.of("sync.resync", "ten minutes")))
        .hasMessageContaining("resync");
  }

  private static Map<String, String> env(Rendering r) {
    return r
        .one(Deployment.class)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .getFirst()
        .getEnv()
        .stream()
        .collect(
            Collectors.toMap(
                EnvVar::getName, e -> e.getValue() == null ? "(from field)" : e.getValue()));
  }
}
