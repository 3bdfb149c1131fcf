package dev.pullsecret.webhook.bench;

import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.bench.decode.DslJsonReviewDecoder;
import dev.pullsecret.webhook.bench.decode.ReviewDecoder;
import dev.pullsecret.webhook.bench.decode.SimdJsonReviewDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Decoding alone, review bytes to {@link AdmissionRequest}, with the codec's Jackson path and with
 * the two candidates of issue 16 reading the same fields into the same objects: DSL-JSON 2.0.2
 * (skips what it does not read) and simdjson-java 0.4.0 (SIMD structural index, then look-ups). One
 * benchmark, {@code decode}, the decoder a parameter; {@code DecodeComparison} checks that they
 * agree with Jackson; {@code jacksonTokenize} is the floor of any Jackson decoder (every token
 * read, nothing bound).
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

  static final String JACKSON = "jackson";
  static final String DSL_JSON = "dsl-json";
  static final String SIMDJSON = "simdjson";

  /** The values of {@link #decoder}, in the order the CPU-time probe prints them. */
  static final List<String> DECODERS = List.of(JACKSON, DSL_JSON, SIMDJSON);

  @Param({"typical", "large"})
  String pod;

  @Param({JACKSON, DSL_JSON, SIMDJSON})
  String decoder;

  private byte[] review;
  private ReviewDecoder reviewDecoder;
  private JsonMapper plainMapper;

  /** For {@code DecodeCpuProbe}: the benchmark for one pod and decoder, set up. */
  static DecodeBenchmark setUp(String pod, String decoder) throws IOException {
    var b = new DecodeBenchmark();
    b.pod = pod;
    b.decoder = decoder;
    b.setUp();
    return b;
  }

  @Setup
  public void setUp() throws IOException {
    Path dir = Path.of(System.getProperty("bench.dir", "bench"));
    review = Files.readAllBytes(dir.resolve("reviews/" + pod + ".review.json"));
    var jackson = new AdmissionReviewCodec(MAX_BODY);
    reviewDecoder =
        switch (decoder) {
          case JACKSON -> jackson::decode;
          case DSL_JSON -> new DslJsonReviewDecoder(MAX_BODY);
          case SIMDJSON -> new SimdJsonReviewDecoder(MAX_BODY);
          default -> throw new IllegalArgumentException("no decoder " + decoder);
        };
    plainMapper = JsonMapper.builder().build();
    // DecodeComparison compares every field; this only guards against measuring a broken run.
    String expected = jackson.decode(review).summary();
    String candidate = decode().summary();
    if (!expected.equals(candidate)) {
      throw new IllegalStateException(pod + ": " + candidate + " is not " + expected);
    }
  }

  @Benchmark
  public AdmissionRequest decode() {
    return reviewDecoder.decode(review);
  }

  /** Reference: Jackson reads every token of the body and binds nothing. */
  @Benchmark
  public int jacksonTokenize() {
    return AdmissionBenchmark.tokenize(plainMapper, review);
  }
}
