package dev.pullsecret.webhook.registry;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.DigestLookup;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestContexts;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the registry latency probes (DigestLatencyProbe, MirrorLatencyProbe) share: the review of a
 * pod in namespace {@code bench}, a handler on a rules text, and the timing of {@code decide} as a
 * table of percentiles in milliseconds.
 */
final class LatencyTable {

  private static final String ROW = "%-52s %8.3f %8.3f %8.3f %8.3f %8.3f%n";

  private LatencyTable() {}

  static void header(int reviews) {
    System.out.printf(
        "%-52s %8s %8s %8s %8s %8s%n",
        "case (10 images, " + reviews + " reviews)",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "mean ms");
  }

  /**
   * Times {@code decide} on a fresh handler from {@code handlers} each time (built untimed), every
   * decision shown to {@code check}, and prints its row.
   */
  static void run(
      String name,
      int reviews,
      Supplier<AdmissionHandler> handlers,
      AdmissionRequest request,
      Consumer<AdmissionDecision> check) {
    // Warm-up: the JIT compiles the path, and the first TLS handshakes load their classes.
    for (int i = 0; i < Math.max(20, reviews / 4); i++) {
      check.accept(handlers.get().decide(request));
    }
    double[] millis = new double[reviews];
    for (int i = 0; i < reviews; i++) {
      AdmissionHandler handler = handlers.get();
      long start = System.nanoTime();
      AdmissionDecision decision = handler.decide(request);
      millis[i] = (System.nanoTime() - start) / 1e6;
      check.accept(decision);
    }
    Arrays.sort(millis);
    System.out.printf(
        Locale.ROOT,
        ROW,
        name,
        millis[reviews / 2],
        millis[(int) (reviews * 0.9)],
        millis[Math.min(reviews - 1, (int) (reviews * 0.99))],
        millis[reviews - 1],
        Arrays.stream(millis).average().orElse(0));
  }

  /** A handler on {@code rules}, looking digests up through {@code lookup} unless it is null. */
  static AdmissionHandler handler(String rules, DigestLookup lookup) {
    var loaded =
        new LoadedRules(RulesParser.parse(rules, "rules.yaml"), 1, "bench", Instant.EPOCH, "");
    return lookup == null
        ? TestContexts.offline(() -> loaded)
        : TestContexts.withDigests(() -> loaded, lookup);
  }

  /** The creation of pod {@code bench} in namespace {@code bench}. */
  static AdmissionRequest create(List<Container> containers) {
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("bench")
            .withNamespace("bench")
            .endMetadata()
            .withNewSpec()
            .withContainers(containers)
            .endSpec()
            .build();
    return Reviews.creation("bench", "bench", pod);
  }
}
