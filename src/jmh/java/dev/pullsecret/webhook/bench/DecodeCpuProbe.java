package dev.pullsecret.webhook.bench;

/**
 * {@link DecodeBenchmark} timed in the measuring thread's CPU time ({@link CpuTimeProbe}), for a
 * busy machine where JMH's wall-clock figures move with the neighbours: the codec's decoding, then
 * the Jackson tokenising floor.
 *
 * <p>{@code ./mvnw -q -B -Pjmh -DskipTests test-compile exec:exec
 * -Djmh.main=dev.pullsecret.webhook.bench.DecodeCpuProbe -Djmh.args=2} (seconds per round).
 */
public final class DecodeCpuProbe {

  private DecodeCpuProbe() {}

  public static void main(String[] args) throws Exception {
    CpuTimeProbe.forEachPod(
        args,
        2,
        16,
        (pod, probe) -> {
          var benchmark = DecodeBenchmark.setUp(pod);
          probe.probe("jackson", benchmark::decode);
          probe.probe("jacksonTokenize", benchmark::jacksonTokenize);
        });
  }
}
