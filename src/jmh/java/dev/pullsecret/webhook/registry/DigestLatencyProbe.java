package dev.pullsecret.webhook.registry;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.Reason;
import dev.pullsecret.webhook.admission.DigestLookup;
import dev.pullsecret.webhook.registry.ImagePusher.Format;
import io.fabric8.kubernetes.api.model.Container;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
      AdmissionRequest request = LatencyTable.create(containers);
      var settings = new DigestResolver.Settings(null, Duration.ofHours(1), Duration.ofSeconds(10), 10_000, 16, null, null, null);
      RegistryCredentials credentials = (image, secrets) -> Optional.of(USER);
      Supplier<RegistryClient> newClient =
          () -> new RegistryClient(() -> tls, Duration.ofSeconds(1), Duration.ofSeconds(10));

      AdmissionHandler plain = handler(registry, false, null);
      RegistryClient keptAlive = newClient.get();
      DigestResolver warm = new DigestResolver(keptAlive::resolve, settings, LookupObserver.NONE, System::nanoTime);
      AdmissionHandler warmHandler = handler(registry, true, new DigestLookup(warm, credentials, Duration.ofMillis(1500), LookupObserver.NONE));

      LatencyTable.header(reviews);
      LatencyTable.run("plain rule (no lookups)", reviews, () -> plain, request, DigestLatencyProbe::check);
      check(warmHandler.decide(request));
      LatencyTable.run("digests, warm cache (all hits)", reviews, () -> warmHandler, request, DigestLatencyProbe::check);
      LatencyTable.run(
          "digests, cold cache, kept-alive connections",
          reviews,
          () ->
              handler(
                  registry,
                  true,
                  new DigestLookup(
                      new DigestResolver(keptAlive::resolve, settings, LookupObserver.NONE, System::nanoTime),
                      credentials,
                      Duration.ofMillis(1500),
                      LookupObserver.NONE)),
          request, DigestLatencyProbe::check);
      LatencyTable.run(
          "digests, cold cache, new connections (TLS)",
          Math.min(reviews, 100),
          () ->
              handler(
                  registry,
                  true,
                  new DigestLookup(
                      new DigestResolver(newClient.get()::resolve, settings, LookupObserver.NONE, System::nanoTime),
                      credentials,
                      Duration.ofMillis(1500),
                      LookupObserver.NONE)),
          request, DigestLatencyProbe::check);
      warm.close();
    }
  }

  private static void check(AdmissionDecision decision) {
    if (decision.reason() != Reason.PATCHED || decision.auditAnnotations().containsKey("digests-unresolved")) {
      throw new IllegalStateException("unexpected decision: " + decision);
    }
  }

  private static AdmissionHandler handler(
      RegistryProcess registry, boolean digests, DigestLookup lookup) {
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
    return LatencyTable.handler(rules, lookup);
  }
}
