package dev.pullsecret.webhook.bench;

import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Decoding alone, review bytes to {@link AdmissionRequest}, with the codec's Jackson path; {@code
 * jacksonTokenize} is the floor of any Jackson decoder (every token read, nothing bound). The
 * candidate decoders of issue 16 (DSL-JSON, simdjson-java) were measured here and not kept: their
 * figures and why are in bench/README.md, their code in git's history.
 *
 * <p>{@code ./mvnw -q -B -Pjmh -DskipTests test-compile exec:exec -Djmh.args="DecodeBenchmark -prof
 * gc"}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx256m"})
public class DecodeBenchmark {

  private static final int MAX_BODY = 4 * 1024 * 1024;

  @Param({"typical", "large"})
  String pod;

  private byte[] review;
  private AdmissionReviewCodec codec;
  private JsonMapper plainMapper;

  /** For {@code DecodeCpuProbe}: the benchmark for one pod, set up. */
  static DecodeBenchmark setUp(String pod) throws IOException {
    var b = new DecodeBenchmark();
    b.pod = pod;
    b.setUp();
    return b;
  }

  @Setup
  public void setUp() throws IOException {
    Path dir = Path.of(System.getProperty("bench.dir", "bench"));
    review = Files.readAllBytes(dir.resolve("reviews/" + pod + ".review.json"));
    codec = new AdmissionReviewCodec(MAX_BODY);
    plainMapper = JsonMapper.builder().build();
  }

  @Benchmark
  public AdmissionRequest decode() {
    return codec.decode(review);
  }

  /** Reference: Jackson reads every token of the body and binds nothing. */
  @Benchmark
  public int jacksonTokenize() {
    return AdmissionBenchmark.tokenize(plainMapper, review);
  }
}
