package dev.pullsecret.webhook.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link KubeApiServer} promises the tests that use it. */
@RequiresKubeApiServer
class KubeApiServerIT {

  static KubeApiServer kube;

  @BeforeAll
  static void start() {
    kube = KubeApiServer.shared();
  }

  @Test
  void storesPodsInNewNamespacesWithoutAServiceAccount() {
    String namespace = kube.uniqueName("fixture-");
    try (var admin = kube.adminClient()) {
      admin
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
      admin.pods().inNamespace(namespace).resource(pod("app")).create();

      assertThat(admin.pods().inNamespace(namespace).withName("app").get().getSpec().getNodeName())
          .as("no scheduler runs")
          .isNull();
    }
  }

  @Test
  void namedUsersHaveOnlyTheRightsBoundToThem() {
    String namespace = kube.uniqueName("fixture-");
    try (var admin = kube.adminClient();
        var tenant = kube.client("tenant")) {
      admin
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
      assertThatThrownBy(() -> tenant.pods().inNamespace(namespace).list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));

      admin
          .rbac()
          .roles()
          .inNamespace(namespace)
          .resource(
              new RoleBuilder()
                  .withNewMetadata()
                  .withName("pod-reader")
                  .endMetadata()
                  .addNewRule()
                  .withApiGroups("")
                  .withResources("pods")
                  .withVerbs("get", "list", "watch")
                  .endRule()
                  .build())
          .create();
      admin
          .rbac()
          .roleBindings()
          .inNamespace(namespace)
          .resource(
              new RoleBindingBuilder()
                  .withNewMetadata()
                  .withName("tenant-reads-pods")
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "Role", "pod-reader")
                  .addNewSubject()
                  .withApiGroup("rbac.authorization.k8s.io")
                  .withKind("User")
                  .withName("tenant")
                  .endSubject()
                  .build())
          .create();

      // The authorizer reads bindings from an informer's cache: a new one applies a moment later.
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptionsInstanceOf(KubernetesClientException.class)
          .untilAsserted(
              () -> assertThat(tenant.pods().inNamespace(namespace).list().getItems()).isEmpty());
      assertThatThrownBy(() -> tenant.pods().inNamespace(namespace).resource(pod("app")).create())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }

  /** A 403 naming the user, not a 401: the kubeconfig's token authenticated that user. */
  @Test
  void writesKubeconfigsThatAuthenticateTheirUser(@TempDir Path dir) throws Exception {
    Path file = kube.writeKubeconfig("webhook", dir.resolve("kubeconfig"));
    try (var client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(file)))
            .build()) {
      assertThat(client.getMasterUrl().toString()).startsWith(kube.url());
      assertThatThrownBy(() -> client.namespaces().list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(403);
                assertThat(e.getMessage()).contains("User \"webhook\" cannot list");
              });
    }
  }

  private static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("nginx")
        .endContainer()
        .endSpec()
        .build();
  }
}
