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
    System.out.printf("%-26s %-8s %12s %12s%n", "benchmark", "pod", "cpu us/op", "B/op");
    for (String pod : new String[] {"small", "typical", "large"}) {
      var b = new AdmissionBenchmark();
      b.pod = pod;
      b.setUp();
      probe(26, "core", pod, b::core, seconds);
      probe(26, "decode", pod, b::decode, seconds);
      probe(26, "decide", pod, b::decide, seconds);
      probe(26, "encode", pod, b::encode, seconds);
      probe(26, "decodeWholePod", pod, b::decodeWholePod, seconds);
      probe(26, "fabric8PolymorphicDecode", pod, b::fabric8PolymorphicDecode, seconds);
      probe(26, "floorTokenize", pod, b::floorTokenize, seconds);
    }
  }

  private static Object sink;

  /**
   * Warms {@code op} up, then times it for five rounds in this thread's CPU time and prints the
   * best round (the least disturbed by neighbours) with the bytes it allocates per call; the
   * harness of every CPU-time probe (see also DigestCpuProbe).
   */
  public static void probe(int nameWidth, String name, String pod, Supplier<?> op, int seconds) {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
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
      long alloc0 = threads.getThreadAllocatedBytes(tid);
      long end = System.nanoTime() + seconds * 200_000_000L;
      while (System.nanoTime() < end) {
        for (int i = 0; i < 100; i++) {
          sink = op.get();
        }
        n += 100;
      }
      long cpu = threads.getCurrentThreadCpuTime() - cpu0;
      bytes = (threads.getThreadAllocatedBytes(tid) - alloc0) / n;
      best = Math.min(best, cpu / 1000.0 / n);
    }
    System.out.printf(
        Locale.ROOT, "%-" + nameWidth + "s %-8s %12.2f %12d%n", name, pod, best, bytes);
  }
}
