package dev.pullsecret.webhook.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.testing.KubeApiServer;
import dev.pullsecret.webhook.testing.RequiresKubeApiServer;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A tenant's pending pods, as large as the API server takes them, do not take recovery (nor the
 * process) down. A tenant can create pods that never start with thousands of environment variables:
 * 94 KB of JSON each here, about 1 MB each as fabric8's objects. The watch's list held a page of
 * 500 whole: these 75 (7 MB of JSON) filled the heap before the store could reduce them, the list
 * failed again and again, and no stuck pod of any tenant was found (60 did too, in the test's 128m
 * heap). With only the fields recovery reads bound, and pages of 10, they cost little. They are on
 * a node (as a kubelet's pods are, not started yet): a pod that never gets one never fails to pull,
 * so it is not even listed; a tenant may have as many as its quota allows (no node bounds them),
 * and each was kept.
 */
@RequiresKubeApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostilePendingPodsIT extends PodRecoveryIT.Cluster {

  private static final int HOSTILE_PODS = 75;
  private static final int ENV_PER_POD = 5_000;
  private static final int UNSCHEDULED_PODS = 50;

  private final KubeApiServer kube = KubeApiServer.shared();
  private final String tenant = kube.uniqueName("hostile-");

  @Override
  String mode() {
    return "report";
  }

  /** The tenant's pods are there before the webhook starts: its first list meets them all. */
  @Override
  @BeforeAll
  void start() throws InterruptedException {
    try (var tenantAdmin = kube.adminClient(Duration.ofMinutes(1))) {
      tenantAdmin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(tenant).endMetadata().build())
          .create();
      List<EnvVar> env =
          IntStream.range(0, ENV_PER_POD).mapToObj(i -> new EnvVar("e" + i, null, null)).toList();
      // In parallel: each create of a large pod waits mostly on the API server and etcd.
      IntStream.range(0, HOSTILE_PODS + UNSCHEDULED_PODS)
          .parallel()
          .forEach(
              i -> {
                boolean large = i < HOSTILE_PODS;
                tenantAdmin
                    .pods()
                    .inNamespace(tenant)
                    .resource(
                        new PodBuilder()
                            .withNewMetadata()
                            .withName((large ? "large-" : "unscheduled-") + i)
                            .endMetadata()
                            .withNewSpec()
                            .withNodeName(large ? NODE : null)
                            .addToNodeSelector(large ? Map.of() : Map.of("no-such-node", "true"))
                            .addNewContainer()
                            .withName("app")
                            .withImage("nginx:1.27")
                            .withEnv(large ? env : List.of())
                            .endContainer()
                            .endSpec()
                            .build())
                    .create();
              });
    }
    super.start();
  }

  @Override
  @AfterAll
  void stop() {
    admin.pods().inNamespace(tenant).delete();
    super.stop();
  }

  @Test
  void aStuckPodIsStillFoundBesideATenantsHugePendingPods() throws Exception {
    String namespace = namespaceWithItsCopy();

    failingPod(namespace, "web", "nginx:1.27", true);

    cluster.eventually(
        "an Event on the stuck pod",
        Duration.ofSeconds(30),
        () -> assertThat(events(namespace, "web", "MissingPullSecret")).isNotEmpty());
    assertThat(cluster.process().log()).doesNotContain("OutOfMemoryError");
    long kept = pendingPodsKept();
    // Pending pods on a node, this class's and those earlier classes left on the shared API server
    // (evicted, they wait for a kubelet there is none of); before, the 50 without one were kept
    // too.
    int onANode =
        admin
            .pods()
            .inAnyNamespace()
            .withField("status.phase", "Pending")
            .withoutField("spec.nodeName", "")
            .list()
            .getItems()
            .size();
    assertThat(kept)
        .as("pods kept by the leader's store: a pod that never gets a node never fails to pull")
        .isLessThan(onANode + UNSCHEDULED_PODS);
  }

  /**
   * How many {@link PendingPod}s the webhook's heap holds (live, after the full collection {@code
   * jcmd GC.class_histogram} runs). Before, every pending pod was listed and kept, whether it had a
   * node or not: a tenant's pods that never get one are as many as its quota allows (no node bounds
   * them), each kept with its name and controller, up to 317 characters each.
   */
  private long pendingPodsKept() throws Exception {
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    var jcmd =
        new ProcessBuilder(
                java.resolveSibling("jcmd").toString(),
                "" + cluster.process().process().pid(),
                "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String histogram = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    jcmd.waitFor();
    assertThat(histogram).as("the histogram was taken").contains(PodRecovery.class.getName());
    return histogram
        .lines()
        .filter(line -> line.endsWith(" " + PendingPod.class.getName()))
        .mapToLong(line -> Long.parseLong(line.trim().split("\\s+")[1]))
        .findFirst()
        .orElse(0);
  }
}
