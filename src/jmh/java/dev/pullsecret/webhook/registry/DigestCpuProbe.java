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
    CpuTimeProbe.forEachPod(
        args,
        2,
        18,
        (pod, probe) -> {
          var b = new DigestCacheBenchmark();
          b.pod = pod;
          b.setUp();
          probe.probe("plain", b::plain);
          probe.probe("mirrored", b::mirrored);
          probe.probe("cached", b::cached);
          probe.probe("conditional", b::conditional);
          probe.probe("conditionalAbsent", b::conditionalAbsent);
          probe.probe("candidates", b::candidates);
          probe.probe("lookupOnly", b::lookupOnly);
          b.tearDown();
        });
  }
}
