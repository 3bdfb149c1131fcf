package dev.pullsecret.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.rules.NamespaceLabels;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Namespace labels read on a miss, against the mock API server: a review's namespace is whatever
 * its sender wrote, so reads are shared, bounded in number and remembered, and a slow API server
 * costs a review at most its budget. The caches are not started here, so every lookup is a miss.
 */
class NamespaceWatchTest {

  private static final Set<String> KEYS = Set.of("team", "pullsecret.dev/inject");

  private final FaultyApiServer server = new FaultyApiServer();
  private final KubernetesClient client = server.newClient();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final NamespaceWatch labels =
      new NamespaceWatch(client, 0, Duration.ofMillis(300), registry, name -> {}, () -> {});

  @AfterEach
  void close() {
    labels.close();
    client.close();
    server.close();
  }

  @Test
  void readsAMissOnceKeepingOnlyTheKeysAsked() {
    createShop(Map.of("team", "payments", "big", "x".repeat(60)));
    int before = server.calls();

    NamespaceLabels first = labels.labels("shop", KEYS);
    NamespaceLabels again = labels.labels("shop", KEYS);

    assertThat(first.labels()).isEqualTo(Map.of("team", "payments"));
    assertThat(again).isEqualTo(first);
    assertThat(server.calls() - before).as("the second is remembered").isEqualTo(1);
    assertThat(count("read")).isEqualTo(2);
  }

  /** New rules read another label: a read remembered with fewer keys is not the answer. */
  @Test
  void aReadRememberedForFewerKeysIsMadeAgainForMore() {
    createShop(Map.of("team", "payments", "tier", "gold"));
    int before = server.calls();

    labels.labels("shop", KEYS);
    NamespaceLabels more = labels.labels("shop", Set.of("team", "tier"));

    assertThat(more.labels()).isEqualTo(Map.of("team", "payments", "tier", "gold"));
    assertThat(server.calls() - before).as("read again").isEqualTo(2);
  }

  private void createShop(Map<String, String> labels) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("shop")
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
  }

  @Test
  void aNamespaceThatDoesNotExistIsUnknownAndRemembered() {
    int before = server.calls();

    for (int i = 0; i < 5; i++) {
      assertThat(labels.labels("made-up", KEYS)).isEqualTo(NamespaceLabels.UNKNOWN);
    }

    assertThat(server.calls() - before).isEqualTo(1);
    assertThat(count("unknown")).isEqualTo(5);
  }

  @Test
  void aSlowApiServerCostsAReviewItsBudgetAndAFloodAtMostFourReads() throws Exception {
    server.slow(Duration.ofSeconds(2));
    int before = server.calls();
    List<Callable<NamespaceLabels>> reviews = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String namespace = "flood-" + i;
      reviews.add(() -> labels.labels(namespace, KEYS));
    }

    List<NamespaceLabels> answers = new ArrayList<>();
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Future<NamespaceLabels> answer : executor.invokeAll(reviews)) {
        answers.add(answer.get());
      }
    }

    assertThat(answers).containsOnly(NamespaceLabels.UNKNOWN);
    assertThat(server.calls() - before)
        .as("reads started for 40 made-up namespaces")
        .isLessThanOrEqualTo(NamespaceWatch.MAX_READS);
  }

  private double count(String result) {
    return registry.get("pullsecret.namespace.labels").tag("result", result).counter().count();
  }
}
