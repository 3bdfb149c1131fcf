package dev.pullsecret.webhook.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The benchmarks of {@link AdmissionBenchmark} timed in the CPU time of the measuring thread rather
 * than in wall time: on a shared, busy machine a thread that waits for a core does not count its
 * wait, so the figures stay comparable from run to run (cache effects of the neighbours remain).
 * JMH's wall-clock figures on a quiet machine are the reference; this is for busy ones.
 *
 * <p>{@code ./mvnw -q -B -Pjmh -DskipTests test-compile exec:exec
 * -Djmh.main=dev.pullsecret.webhook.bench.CpuTimeProbe -Djmh.args=3} (seconds per round).
 */
public final class CpuTimeProbe {

  private CpuTimeProbe() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    var threads = ManagementFactory.getThreadMXBean();
    System.out.printf("%-26s %-8s %12s %12s%n", "benchmark", "pod", "cpu us/op", "B/op");
    for (String pod : new String[] {"small", "typical", "large"}) {
      var b = new AdmissionBenchmark();
      b.pod = pod;
      b.setUp();
      probe("core", pod, b::core, seconds, threads);
      probe("decode", pod, b::decode, seconds, threads);
      probe("decide", pod, b::decide, seconds, threads);
      probe("encode", pod, b::encode, seconds, threads);
      probe("decodeWholePod", pod, b::decodeWholePod, seconds, threads);
      probe("fabric8PolymorphicDecode", pod, b::fabric8PolymorphicDecode, seconds, threads);
      probe("floorTokenize", pod, b::floorTokenize, seconds, threads);
    }
  }

  private static Object sink;

  private static void probe(
      String name,
      String pod,
      Supplier<?> op,
      int seconds,
      java.lang.management.ThreadMXBean threads) {
    var sun = (com.sun.management.ThreadMXBean) threads;
    long tid = Thread.currentThread().threadId();
    // Warm-up: long enough for C2 to compile the path.
    long until = System.nanoTime() + seconds * 2_000_000_000L;
    while (System.nanoTime() < until) {
      for (int i = 0; i < 100; i++) {
        sink = op.get();
      }
    }
    double best = Double.MAX_VALUE;
    long bytes = 0;
    // Five rounds; the best is the least disturbed by neighbours.
    for (int round = 0; round < 5; round++) {
      long n = 0;
      long cpu0 = threads.getCurrentThreadCpuTime();
      long alloc0 = sun.getThreadAllocatedBytes(tid);
      long end = System.nanoTime() + seconds * 200_000_000L;
      while (System.nanoTime() < end) {
        for (int i = 0; i < 100; i++) {
          sink = op.get();
        }
        n += 100;
      }
      long cpu = threads.getCurrentThreadCpuTime() - cpu0;
      bytes = (sun.getThreadAllocatedBytes(tid) - alloc0) / n;
      best = Math.min(best, cpu / 1000.0 / n);
    }
    System.out.printf(Locale.ROOT, "%-26s %-8s %12.2f %12d%n", name, pod, best, bytes);
  }
}
