package dev.pullsecret.webhook.registry;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import dev.pullsecret.webhook.testing.TestContexts;
import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.admission.Reason;
import dev.pullsecret.webhook.admission.DigestLookup;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.MutationScope;
import dev.pullsecret.webhook.mutation.PodMutator;
import dev.pullsecret.webhook.mutation.ResolvedDigests;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RuleMatch;
import dev.pullsecret.webhook.rules.RulesParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What resolving digests, and asking mirrors whether they hold an image, add to a review when every
 * answer is in the cache: {@code decide} of the
 * benchmark's pods under the benchmark rules ({@code plain}) and under the same rules with {@code
 * resolveDigests: {}} on the pods' rule ({@code cached}, every lookup a hit). The difference is the
 * whole cost of the feature on a warm cache: finding the candidates (pin and mirror), the cache
 * reads, and writing the digests into the patch, warnings and annotations. {@code mirrored} (every
 * image sent to a mirror, no lookup) is the cost of rewriting every image by any option, for
 * comparison; {@code lookupOnly} is the cache reads alone. {@code conditional} is {@code mirrored}
 * with {@code when: present} on every mirror and every mirror holding every image (all hits): its
 * difference with {@code mirrored} is the whole cost of the condition on a warm cache (candidates,
 * cache reads, the answers handed to the pass); {@code conditionalAbsent} the same with every mirror
 * lacking every image (warnings instead of rewrites).
 *
 * <p>{@code ./mvnw -q -B -Pjmh -DskipTests test-compile exec:exec -Djmh.args="DigestCacheBenchmark
 * -prof gc"}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx256m"})
public class DigestCacheBenchmark {

  private static final String DIGEST = "sha256:" + "d".repeat(64);

  @Param({"small", "typical", "large"})
  String pod;

  private AdmissionHandler plain;
  private AdmissionHandler mirrored;
  private AdmissionHandler cached;
  private AdmissionHandler conditional;
  private AdmissionHandler conditionalAbsent;
  private DigestResolver absentResolver;
  private AdmissionRequest request;
  private DigestResolver resolver;
  private Map<ImageReference, Optional<RegistryCredential>> images;
  private final PodMutator mutator = new PodMutator();
  private RuleMatch rule;

  @Setup
  public void setUp() throws IOException {
    Path dir = Path.of(System.getProperty("bench.dir", "bench"));
    byte[] review = Files.readAllBytes(dir.resolve("reviews/" + pod + ".review.json"));
    String rules = Files.readString(dir.resolve("rules.yaml"), StandardCharsets.UTF_8);
    String withDigests =
        rules.replace(
            "    pullSecrets: [dockerhub-creds, corp-creds, gar-creds, quay-creds]\n",
            "    pullSecrets: [dockerhub-creds, corp-creds, gar-creds, quay-creds]\n"
                + "    images:\n      resolveDigests: {}\n");
    if (withDigests.equals(rules)) {
      throw new IllegalStateException("bench/rules.yaml changed: team-a not found");
    }
    String withMirrors =
        rules.replace(
            "    pullSecrets: [dockerhub-creds, corp-creds, gar-creds, quay-creds]\n",
            "    pullSecrets: [dockerhub-creds, corp-creds, gar-creds, quay-creds]\n"
                + "    images:\n      mirrors:\n"
                + "        - {from: \"registry.corp:5000\", to: mirror.example.com/corp}\n"
                + "        - {from: docker.io, to: mirror.example.com/hub}\n"
                + "        - {from: \"*.pkg.dev\", to: mirror.example.com/gar}\n"
                + "        - {from: quay.io, to: mirror.example.com/quay}\n");
    String withConditionalMirrors =
        withMirrors.replace("mirror.example.com/quay}", "mirror.example.com/quay, when: present}")
            .replace("mirror.example.com/gar}", "mirror.example.com/gar, when: present}")
            .replace("mirror.example.com/hub}", "mirror.example.com/hub, when: present}")
            .replace("mirror.example.com/corp}", "mirror.example.com/corp, when: present}");
    if (withConditionalMirrors.split("when: present", -1).length != 5) {
      throw new IllegalStateException("expected four conditional mirrors");
    }
    request = new AdmissionReviewCodec(4 * 1024 * 1024).decode(review);
    resolver =
        new DigestResolver(
            (image, credential) -> DIGEST,
            new DigestResolver.Settings(null, Duration.ofHours(1), Duration.ofSeconds(10), 10_000, 16, null, null, null),
            LookupObserver.NONE,
            System::nanoTime);
    rule =
        RulesParser.parse(withDigests, "rules.yaml")
            .forNamespace(request.podNamespace(), NamespaceLabels.NONE)
            .orElseThrow();
    plain = handler(rules, null);
    mirrored = handler(withMirrors, null);
    cached = handler(withDigests, resolver);
    conditional = handler(withConditionalMirrors, resolver);
    absentResolver =
        new DigestResolver(
            (image, credential) -> {
              throw RegistryException.manifestUnknown(ManifestUrl.of(image));
            },
            new DigestResolver.Settings(null, Duration.ofHours(1), Duration.ofHours(1), 10_000, 16, null, null, null),
            LookupObserver.NONE,
            System::nanoTime);
    conditionalAbsent = handler(withConditionalMirrors, absentResolver);
    // Fill both caches, and check that the mirrors took (or kept off) every image.
    AdmissionDecision taken = conditional.decide(request);
    AdmissionDecision kept = conditionalAbsent.decide(request);
    if (!taken.patch().stream().anyMatch(op -> String.valueOf(op.value()).contains("mirror."))
        || taken.warnings().stream().anyMatch(w -> w.contains("not sent to mirror"))
        || kept.warnings().stream().noneMatch(w -> w.contains("not sent to mirror"))) {
      throw new IllegalStateException(pod + ": conditional mirrors did not act: " + taken);
    }
    AdmissionDecision first = cached.decide(request); // fills the cache
    if (first.reason() != Reason.PATCHED
        || first.patch().stream().noneMatch(op -> String.valueOf(op.value()).contains(DIGEST))) {
      throw new IllegalStateException(pod + ": expected digests in the patch, got " + first);
    }
    images = new java.util.LinkedHashMap<>();
    for (var c : request.object().getSpec().getContainers()) {
      images.put(ImageReference.parse(c.getImage()), Optional.empty());
    }
    resolver.resolveAll(images, resolver.budget(Duration.ofSeconds(1)));
  }

  private static AdmissionHandler handler(String rules, DigestResolver resolver) {
    var loaded =
        new LoadedRules(RulesParser.parse(rules, "rules.yaml"), 1, "bench", Instant.EPOCH, "");
    return resolver == null
        ? TestContexts.offline(() -> loaded)
        : TestContexts.withDigests(() -> loaded, 
                    new DigestLookup(
                        resolver,
                        RegistryCredentials.ANONYMOUS,
                        Duration.ofMillis(1500),
                        LookupObserver.NONE));
  }

  @TearDown
  public void tearDown() {
    resolver.close();
    absentResolver.close();
  }

  @Benchmark
  public AdmissionDecision plain() {
    return plain.decide(request);
  }

  /** Reference: every image rewritten by a mirror, no lookup: the cost of any rewrite. */
  @Benchmark
  public AdmissionDecision mirrored() {
    return mirrored.decide(request);
  }

  @Benchmark
  public AdmissionDecision cached() {
    return cached.decide(request);
  }

  /** Every mirror {@code when: present}, and holding every image (cache hits). */
  @Benchmark
  public AdmissionDecision conditional() {
    return conditional.decide(request);
  }

  /** Every mirror {@code when: present}, and lacking every image (cached 404s). */
  @Benchmark
  public AdmissionDecision conditionalAbsent() {
    return conditionalAbsent.decide(request);
  }

  /** Finding the images to look up: the pin-and-mirror pass that runs before the lookups. */
  @Benchmark
  public Object candidates() {
    return mutator
        .begin(request.object(), rule, MutationScope.CREATE)
        .digestCandidates(ResolvedDigests.NONE);
  }

  @Benchmark
  public Object lookupOnly() {
    return resolver.resolveAll(images, resolver.budget(Duration.ofMillis(1500)));
  }
}
