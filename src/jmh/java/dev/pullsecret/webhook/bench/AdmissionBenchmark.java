package dev.pullsecret.webhook.bench;

import dev.pullsecret.webhook.testing.TestContexts;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.admission.Reason;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RulesParser;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admission core without HTTP: review bytes to decoded request, decision, and response bytes,
 * for the benchmark's three pods (bench/reviews). {@code core} is the whole path; the others split
 * it up, and {@code floorTokenize} (every JSON token read, nothing bound) and {@code
 * fabric8PolymorphicDecode} (fabric8's own AdmissionReview type) are references to compare with.
 *
 * <p>Run from the project directory: {@code ./mvnw -q -B -Pjmh -DskipTests test-compile exec:exec
 * -Djmh.args="-prof gc"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx256m"})
public class AdmissionBenchmark {

  @Param({"small", "typical", "large"})
  String pod;

  private byte[] review;
  private AdmissionReviewCodec codec;
  private AdmissionHandler handler;
  private AdmissionRequest request;
  private AdmissionDecision decision;
  private JsonMapper plainMapper;

  private static final Class<?> WHOLE_POD_ENVELOPE = WholePodEnvelope.class;

  @JsonIgnoreProperties(ignoreUnknown = true)
  record WholePodEnvelope(String apiVersion, String kind, AdmissionRequest request) {}

  @Setup
  public void setUp() throws IOException {
    Path dir = Path.of(System.getProperty("bench.dir", "bench"));
    review = Files.readAllBytes(dir.resolve("reviews/" + pod + ".review.json"));
    String rules = Files.readString(dir.resolve("rules.yaml"), StandardCharsets.UTF_8);
    var loaded =
        new LoadedRules(RulesParser.parse(rules, "rules.yaml"), 1, "bench", Instant.EPOCH, "");
    codec = new AdmissionReviewCodec(4 * 1024 * 1024);
    handler = TestContexts.offline(() -> loaded);
    request = codec.decode(review);
    decision = handler.decide(request);
    if (decision.reason() != Reason.PATCHED) {
      throw new IllegalStateException(pod + ": expected a patch, got " + decision.reason());
    }
    plainMapper = JsonMapper.builder().build();
  }

  /** The whole core: what one review costs the webhook between reading the body and writing. */
  @Benchmark
  public byte[] core() {
    return codec.encode(handler.decide(codec.decode(review)));
  }

  @Benchmark
  public AdmissionRequest decode() {
    return codec.decode(review);
  }

  @Benchmark
  public AdmissionDecision decide() {
    return handler.decide(request);
  }

  @Benchmark
  public byte[] encode() {
    return codec.encode(decision);
  }

  /** Reference: the same envelope with every field of the pod bound (the codec before mix-ins). */
  @Benchmark
  public Object decodeWholePod() {
    return plainMapper.readValue(review, WHOLE_POD_ENVELOPE);
  }

  /** Reference: fabric8's AdmissionReview, whose polymorphic object is buffered as a tree. */
  @Benchmark
  public AdmissionReview fabric8PolymorphicDecode() {
    return plainMapper.readValue(review, AdmissionReview.class);
  }

  /** Floor of any decoding: Jackson reads every token of the body and binds nothing. */
  @Benchmark
  public int floorTokenize() {
    return tokenize(plainMapper, review);
  }

  /** Every token of {@code body} read, nothing bound (the floor here and in DecodeBenchmark). */
  static int tokenize(JsonMapper mapper, byte[] body) {
    int tokens = 0;
    try (JsonParser parser = mapper.createParser(body)) {
      while (parser.nextToken() != null) {
        tokens++;
      }
    }
    return tokens;
  }
}
