package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.delivery.SyncBench.print;
import static dev.pullsecret.webhook.delivery.SyncBench.printPercentiles;

import dev.pullsecret.webhook.rules.NamespaceLabels;
import dev.pullsecret.webhook.testing.KubeApiServer;
import dev.pullsecret.webhook.testing.RequiresKubeApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The miss path of namespace labels at admission, on the real API server (loopback): a review whose
 * namespace the watch does not have reads it once. Here the watch never has it (it is not started),
 * so every lookup of a new namespace is a read. Run with {@code bench/sync.sh}.
 */
@RequiresKubeApiServer
@EnabledIfSystemProperty(named = "bench.sync", matches = "true")
class NamespaceLabelsBench {

  @Test
  void aMissReadsTheNamespaceOnce() {
    KubeApiServer kube = KubeApiServer.shared();
    try (KubernetesClient client = kube.adminClient();
        var labels =
            new NamespaceWatch(
                client,
                0,
                Duration.ofSeconds(1),
                new SimpleMeterRegistry(),
                name -> {},
                () -> {})) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        String name = kube.uniqueName("miss-");
        client
            .namespaces()
            .resource(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .addToLabels("team", "t" + i % 10)
                    .endMetadata()
                    .build())
            .create();
        names.add(name);
      }
      Set<String> keys = Set.of("team", "pullsecret.dev/inject");
      for (String name : names.subList(0, 100)) { // warm the client and the JIT
        labels.labels(name, keys);
      }
      List<Long> latencies = new ArrayList<>();
      int unknown = 0;
      for (String name : names.subList(100, names.size())) {
        long started = System.nanoTime();
        NamespaceLabels read = labels.labels(name, keys);
        latencies.add(System.nanoTime() - started);
        unknown += read.known() ? 0 : 1;
      }
      printPercentiles(
          "namespace labels on a miss (one GET, real API server, loopback)", latencies);
      print("of 900 misses, %d unknown (not read within the 1 s budget)", unknown);
      long started = System.nanoTime();
      for (String name : names.subList(100, names.size())) {
        labels.labels(name, keys);
      }
      print(
          "the same 900 again, remembered for 5 s: %.2f µs each",
          (System.nanoTime() - started) / 900 / 1000.0);
    }
  }
}
