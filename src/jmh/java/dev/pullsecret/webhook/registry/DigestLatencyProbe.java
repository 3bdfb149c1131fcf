package dev.pullsecret.webhook.registry;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.testing.TestContexts;
import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.Reason;
import dev.pullsecret.webhook.admission.RegistryDigestLookup;
import dev.pullsecret.webhook.registry.ImagePusher.Format;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RulesParser;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GroupVersionKindBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Admission latency with digest lookups against a real registry on loopback (docker-registry with
 * TLS and htpasswd, started here), for a pod of 10 containers with 10 distinct images: the whole
 * {@code decide} of a review, in wall time, with a plain rule, with every digest cached, and with
 * an empty cache (kept-alive connections, or new ones: TLS handshakes included).
 *
 * <p>{@code ./mvnw -q -B -Pjmh -DskipTests test-compile exec:exec
 * -Djmh.main=dev.pullsecret.webhook.registry.DigestLatencyProbe -Djmh.args=200} (reviews per case)
 */
public final class DigestLatencyProbe {

  private static final RegistryCredential USER =
      new RegistryCredential("bench.example.com", "bench", "bench-pass");
  private static final int IMAGES = 10;

  private DigestLatencyProbe() {}

  public static void main(String[] args) throws Exception {
    int reviews = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Path dir = Files.createTempDirectory("digest-bench");
    try (var registry = RegistryProcess.withHtpasswd(dir, USER.username(), USER.password())) {
      SSLContext tls = TrustBundle.sslContext(Optional.of(registry.caBundle()));
      var pusher = new ImagePusher(tls, registry.domain(), r -> USER.basicAuthorization());
      List<Container> containers = new ArrayList<>();
      for (int i = 0; i < IMAGES; i++) {
        pusher.pushImage("bench/app-" + i, "1.0", Format.OCI, "amd64");
        var c = new Container();
        c.setName("c" + i);
        c.setImage(registry.domain() + "/bench/app-" + i + ":1.0");
        c.setImagePullPolicy("IfNotPresent");
        containers.add(c);
      }
      AdmissionRequest request = create(containers);
      var settings = new DigestResolver.Settings(Duration.ofHours(1), Duration.ofSeconds(10), 10_000, 16);
      RegistryCredentials credentials = (image, secrets) -> Optional.of(USER);
      Supplier<RegistryClient> newClient =
          () -> new RegistryClient(tls, Duration.ofSeconds(1), Duration.ofSeconds(10));

      AdmissionHandler plain = handler(registry, false, null);
      RegistryClient keptAlive = newClient.get();
      DigestResolver warm = new DigestResolver(keptAlive, settings, LookupObserver.NONE);
      AdmissionHandler warmHandler = handler(registry, true, new RegistryDigestLookup(warm, credentials, Duration.ofMillis(1500), LookupObserver.NONE));

      System.out.printf(
          "%-44s %8s %8s %8s %8s %8s%n", "case (10 images, " + reviews + " reviews)", "p50 ms", "p90 ms", "p99 ms", "max ms", "mean ms");
      run("plain rule (no lookups)", reviews, () -> plain, request);
      check(warmHandler.decide(request));
      run("digests, warm cache (all hits)", reviews, () -> warmHandler, request);
      run(
          "digests, cold cache, kept-alive connections",
          reviews,
          () ->
              handler(
                  registry,
                  true,
                  new RegistryDigestLookup(
                      new DigestResolver(keptAlive, settings, LookupObserver.NONE),
                      credentials,
                      Duration.ofMillis(1500),
                      LookupObserver.NONE)),
          request);
      run(
          "digests, cold cache, new connections (TLS)",
          Math.min(reviews, 100),
          () ->
              handler(
                  registry,
                  true,
                  new RegistryDigestLookup(
                      new DigestResolver(newClient.get(), settings, LookupObserver.NONE),
                      credentials,
                      Duration.ofMillis(1500),
                      LookupObserver.NONE)),
          request);
      warm.close();
    }
  }

  /** Times {@code decide} on a fresh handler from {@code handlers} each time (built untimed). */
  private static void run(
      String name, int reviews, Supplier<AdmissionHandler> handlers, AdmissionRequest request) {
    // Warm-up: the JIT compiles the path, and the first TLS handshakes load their classes.
    for (int i = 0; i < Math.max(20, reviews / 4); i++) {
      check(handlers.get().decide(request));
    }
    double[] millis = new double[reviews];
    for (int i = 0; i < reviews; i++) {
      AdmissionHandler handler = handlers.get();
      long start = System.nanoTime();
      AdmissionDecision decision = handler.decide(request);
      millis[i] = (System.nanoTime() - start) / 1e6;
      check(decision);
    }
    Arrays.sort(millis);
    System.out.printf(
        Locale.ROOT,
        "%-44s %8.3f %8.3f %8.3f %8.3f %8.3f%n",
        name,
        millis[reviews / 2],
        millis[(int) (reviews * 0.9)],
        millis[Math.min(reviews - 1, (int) (reviews * 0.99))],
        millis[reviews - 1],
        Arrays.stream(millis).average().orElse(0));
  }

  private static void check(AdmissionDecision decision) {
    if (decision.reason() != Reason.PATCHED || decision.auditAnnotations().containsKey("digests-unresolved")) {
      throw new IllegalStateException("unexpected decision: " + decision);
    }
  }

  private static AdmissionHandler handler(
      RegistryProcess registry, boolean digests, RegistryDigestLookup lookup) {
    String rules =
        """
        pullSecrets:
          - name: bench-creds
            registries: ["%s"]
        rules:
          - name: bench
            namespaces: [bench]
            pullSecrets: [bench-creds]
        %s"""
            .formatted(
                registry.domain(), digests ? "    images:\n      resolveDigests: {}\n" : "");
    var loaded = new LoadedRules(RulesParser.parse(rules, "rules.yaml"), 1, "bench", Instant.EPOCH, "");
    return lookup == null
        ? new AdmissionHandler(() -> loaded, TestContexts.offline())
        : new AdmissionHandler(() -> loaded, TestContexts.offline().withDigests(lookup));
  }

  private static AdmissionRequest create(List<Container> containers) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("bench")
            .withNamespace("bench")
            .endMetadata()
            .withNewSpec()
            .withContainers(containers)
            .endSpec()
            .build();
    return new AdmissionRequest(
        "bench",
        new GroupVersionKindBuilder().withGroup("").withVersion("v1").withKind("Pod").build(),
        new GroupVersionResourceBuilder().withGroup("").withVersion("v1").withResource("pods").build(),
        null,
        "bench",
        "bench",
        "CREATE",
        false,
        pod,
        null);
  }
}
