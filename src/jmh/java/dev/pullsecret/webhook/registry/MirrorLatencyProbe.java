package dev.pullsecret.webhook.registry;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.Reason;
import dev.pullsecret.webhook.admission.DigestLookup;
import dev.pullsecret.webhook.credentials.RegistryCredential;
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
 * Admission latency with {@code when: present} mirrors against a real registry on loopback
 * (docker-registry with TLS and htpasswd, started here) that holds every image, for a pod of 10
 * containers with 10 distinct images: the whole {@code decide} of a review, in wall time, with an
 * unconditional mirror (no lookup), with every answer cached, and with an empty cache (kept-alive
 * connections, or new ones: TLS handshakes included); and with digests resolved too (two rounds of
 * lookups in one budget, the second answered by the cache).
 *
 * <p>{@code ./mvnw -q -B -Pjmh -DskipTests test-compile exec:exec
 * -Djmh.main=dev.pullsecret.webhook.registry.MirrorLatencyProbe -Djmh.args=200} (reviews per case)
 */
public final class MirrorLatencyProbe {

  private static final RegistryCredential USER =
      new RegistryCredential("bench.example.com", "bench", "bench-pass");
  private static final int IMAGES = 10;
  private static final String UPSTREAM = "upstream.example.com";
  private static final Duration BUDGET = Duration.ofMillis(1500);

  private MirrorLatencyProbe() {}

  public static void main(String[] args) throws Exception {
    int reviews = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Path dir = Files.createTempDirectory("mirror-bench");
    try (var registry = RegistryProcess.withHtpasswd(dir, USER.username(), USER.password())) {
      SSLContext tls = TrustBundle.sslContext(Optional.of(registry.caBundle()));
      var pusher = new ImagePusher(tls, registry.domain(), r -> USER.basicAuthorization());
      List<Container> containers = new ArrayList<>();
      for (int i = 0; i < IMAGES; i++) {
        pusher.pushImage("hub/bench/app-" + i, "1.0", Format.OCI, "amd64");
        var c = new Container();
        c.setName("c" + i);
        c.setImage(UPSTREAM + "/bench/app-" + i + ":1.0");
        c.setImagePullPolicy("IfNotPresent");
        containers.add(c);
      }
      AdmissionRequest request = LatencyTable.create(containers);
      var settings =
          new DigestResolver.Settings(null, Duration.ofHours(1), Duration.ofSeconds(10), 10_000, 16, null, null, null);
      RegistryCredentials credentials = (image, secrets) -> Optional.of(USER);
      Supplier<RegistryClient> newClient =
          () -> new RegistryClient(() -> tls, Duration.ofSeconds(1), Duration.ofSeconds(10));
      RegistryClient keptAlive = newClient.get();
      DigestResolver warm = new DigestResolver(keptAlive::resolve, settings, LookupObserver.NONE, System::nanoTime);

      LatencyTable.header(reviews);
      AdmissionHandler always = handler(registry, "always", false, null, credentials);
      LatencyTable.run("unconditional mirror (no lookups)", reviews, () -> always, request, MirrorLatencyProbe::check);
      AdmissionHandler warmHandler = handler(registry, "present", false, warm, credentials);
      check(warmHandler.decide(request));
      LatencyTable.run("when: present, warm cache (all hits)", reviews, () -> warmHandler, request, MirrorLatencyProbe::check);
      LatencyTable.run(
          "when: present, cold cache, kept-alive connections",
          reviews,
          () ->
              handler(
                  registry,
                  "present",
                  false,
                  new DigestResolver(keptAlive::resolve, settings, LookupObserver.NONE, System::nanoTime),
                  credentials),
          request,
          MirrorLatencyProbe::check);
      LatencyTable.run(
          "when: present, cold cache, new connections (TLS)",
          Math.min(reviews, 100),
          () ->
              handler(
                  registry,
                  "present",
                  false,
                  new DigestResolver(newClient.get()::resolve, settings, LookupObserver.NONE, System::nanoTime),
                  credentials),
          request,
          MirrorLatencyProbe::check);
      LatencyTable.run(
          "when: present + digests, cold cache, kept-alive",
          reviews,
          () ->
              handler(
                  registry,
                  "present",
                  true,
                  new DigestResolver(keptAlive::resolve, settings, LookupObserver.NONE, System::nanoTime),
                  credentials),
          request,
          MirrorLatencyProbe::check);
      warm.close();
    }
  }

  /** Every image went to the mirror (and, with digests, was pinned). */
  private static void check(AdmissionDecision decision) {
    if (decision.reason() != Reason.PATCHED
        || decision.auditAnnotations().containsKey("mirrors-absent")
        || decision.auditAnnotations().containsKey("digests-unresolved")) {
      throw new IllegalStateException("unexpected decision: " + decision);
    }
  }

  private static AdmissionHandler handler(
      RegistryProcess registry,
      String when,
      boolean digests,
      DigestResolver resolver,
      RegistryCredentials credentials) {
    String rules =
        """
        pullSecrets:
          - name: bench-creds
            registries: ["%1$s"]
        rules:
          - name: bench
            namespaces: [bench]
            pullSecrets: [bench-creds]
            images:
              mirrors: [{from: "%2$s", to: "%1$s/hub", when: %3$s}]
        %4$s"""
            .formatted(
                registry.domain(),
                UPSTREAM,
                when,
                digests ? "      resolveDigests: {}\n" : "");
    return LatencyTable.handler(
        rules,
        resolver == null
            ? null
            : new DigestLookup(resolver, credentials, BUDGET, LookupObserver.NONE));
  }
}
