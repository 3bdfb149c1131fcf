package dev.pullsecret.webhook.bench;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.admission.NamespaceLabelSource;
import dev.pullsecret.webhook.admission.Reason;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.TestContexts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What choosing a namespace's rule by label costs a review, against choosing it by name: the
 * benchmark's rules (bench/rules.yaml) as they are, and with the rule of the reviews' namespace
 * choosing it by two label requirements instead. Both decide with the opt-out label configured, so
 * both ask for the namespace's labels; the labels come from a map, as from the namespace watch's
 * store on a cache hit (NamespaceWatch.labels: one set check, one map read, one counter).
 *
 * <p>{@code ./mvnw -q -B -Pjmh -DskipTests test-compile exec:exec
 * -Djmh.args="NamespaceSelectionBenchmark"}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx256m"})
public class NamespaceSelectionBenchmark {

  private AdmissionRequest request;
  private AdmissionHandler byName;
  private AdmissionHandler bySelector;

  @Setup
  public void setUp() throws IOException {
    Path dir = Path.of(System.getProperty("bench.dir", "bench"));
    var codec = new AdmissionReviewCodec(4 * 1024 * 1024);
    request = codec.decode(Files.readAllBytes(dir.resolve("reviews/typical.review.json")));
    String rules = Files.readString(dir.resolve("rules.yaml"), StandardCharsets.UTF_8);
    String selectorRules =
        rules.replace(
            "    namespaces: [team-a, team-a-*]\n",
            "    namespaceSelector:\n"
                + "      matchLabels: {team: a}\n"
                + "      matchExpressions: [{key: env, operator: In, values: [prod, live]}]\n");
    if (selectorRules.equals(rules)) {
      throw new IllegalStateException("bench/rules.yaml no longer has the team-a rule");
    }
    Map<String, NamespaceLabels> watched = new ConcurrentHashMap<>();
    watched.put(
        request.podNamespace(),
        NamespaceLabels.of(Map.of("team", "a", "env", "prod", "pullsecret.dev/inject", "on")));
    NamespaceLabelSource cache = (namespace, keys) -> watched.get(namespace);
    byName = handler(rules, cache);
    bySelector = handler(selectorRules, cache);
    for (AdmissionHandler handler : new AdmissionHandler[] {byName, bySelector}) {
      AdmissionDecision decision = handler.decide(request);
      if (decision.reason() != Reason.PATCHED || !"team-a".equals(decision.rule())) {
        throw new IllegalStateException("expected team-a to patch, got " + decision);
      }
    }
  }

  private static AdmissionHandler handler(String rules, NamespaceLabelSource labels) {
    var loaded =
        new LoadedRules(RulesParser.parse(rules, "rules.yaml"), 1, "bench", Instant.EPOCH, "");
    return TestContexts.withLabels(() -> loaded, labels);
  }

  @Benchmark
  public AdmissionDecision byName() {
    return byName.decide(request);
  }

  @Benchmark
  public AdmissionDecision bySelector() {
    return bySelector.decide(request);
  }
}
