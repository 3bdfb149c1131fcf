package dev.pullsecret.webhook.registry;

import dev.pullsecret.webhook.bench.CpuTimeProbe;

/**
 * {@link DigestCacheBenchmark} timed in the measuring thread's CPU time, for busy machines (see
 * bench/README.md, CpuTimeProbe).
 *
 * <p>{@code ./mvnw -q -B -Pjmh -DskipTests test-compile exec:exec
 * -Djmh.main=dev.pullsecret.webhook.registry.DigestCpuProbe -Djmh.args=2}
 */
public final class DigestCpuProbe {

  private DigestCpuProbe() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    System.out.printf("%-12s %-8s %12s %12s%n", "benchmark", "pod", "cpu us/op", "B/op");
    for (String pod : new String[] {"small", "typical", "large"}) {
      var b = new DigestCacheBenchmark();
      b.pod = pod;
      b.setUp();
      CpuTimeProbe.probe(12, "plain", pod, b::plain, seconds);
      CpuTimeProbe.probe(12, "mirrored", pod, b::mirrored, seconds);
      CpuTimeProbe.probe(12, "cached", pod, b::cached, seconds);
      CpuTimeProbe.probe(12, "candidates", pod, b::candidates, seconds);
      CpuTimeProbe.probe(12, "lookupOnly", pod, b::lookupOnly, seconds);
      b.tearDown();
    }
  }
}
