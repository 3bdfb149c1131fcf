package dev.pullsecret.webhook.bench;

import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.bench.decode.DslJsonReviewDecoder;
import dev.pullsecret.webhook.bench.decode.SimdJsonReviewDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Decoding alone, review bytes to {@link AdmissionRequest}, with the codec's Jackson path and with
 * the two candidates of issue 16 reading the same fields into the same objects: DSL-JSON 2.0.2
 * (skips what it does not read) and simdjson-java 0.3.0 (SIMD structural index, then look-ups).
 * {@code DecodeComparison} checks that they agree with Jackson; {@code jacksonTokenize} is the
 * floor of any Jackson decoder (every token read, nothing bound).
 *
 * <p>{@code ./mvnw -q -B -Pjmh -DskipTests test-compile exec:exec -Djmh.args="DecodeBenchmark -prof
 * gc"}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx256m", "--add-modules=jdk.incubator.vector"})
public class DecodeBenchmark {

  private static final int MAX_BODY = 4 * 1024 * 1024;

  @Param({"typical", "large"})
  String pod;

  private byte[] review;
  private AdmissionReviewCodec jackson;
  private DslJsonReviewDecoder dslJson;
  private SimdJsonReviewDecoder simdJson;
  private JsonMapper plainMapper;

  @Setup
  public void setUp() throws IOException {
    Path dir = Path.of(System.getProperty("bench.dir", "bench"));
    review = Files.readAllBytes(dir.resolve("reviews/" + pod + ".review.json"));
    jackson = new AdmissionReviewCodec(MAX_BODY);
    dslJson = new DslJsonReviewDecoder(MAX_BODY);
    simdJson = new SimdJsonReviewDecoder(MAX_BODY);
    plainMapper = JsonMapper.builder().build();
    // DecodeComparison compares every field; this only guards against measuring a broken run.
    // simdjson is not checked here: on JDK 25 it fails in its own benchmark (see bench/README.md).
    String expected = jackson.decode(review).summary();
    String candidate = dslJson().summary();
    if (!expected.equals(candidate)) {
      throw new IllegalStateException(pod + ": " + candidate + " is not " + expected);
    }
  }

  @Benchmark
  public AdmissionRequest jackson() {
    return jackson.decode(review);
  }

  @Benchmark
  public AdmissionRequest dslJson() {
    return dslJson.decode(review);
  }

  @Benchmark
  public AdmissionRequest simdJson() {
    return simdJson.decode(review);
  }

  /** Reference: Jackson reads every token of the body and binds nothing. */
  @Benchmark
  public int jacksonTokenize() {
    int tokens = 0;
    try (JsonParser parser = plainMapper.createParser(review)) {
      while (parser.nextToken() != null) {
        tokens++;
      }
    }
    return tokens;
  }
}
