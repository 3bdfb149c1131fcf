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
    forEachPod(
        args,
        3,
        26,
        (pod, probe) -> {
          var b = new AdmissionBenchmark();
          b.pod = pod;
          b.setUp();
          probe.probe("core", b::core);
          probe.probe("decode", b::decode);
          probe.probe("decide", b::decide);
          probe.probe("encode", b::encode);
          probe.probe("decodeWholePod", b::decodeWholePod);
          probe.probe("fabric8PolymorphicDecode", b::fabric8PolymorphicDecode);
          probe.probe("floorTokenize", b::floorTokenize);
        });
  }

  /** What a probe runs for one pod size: sets its benchmark up and probes its operations. */
  public interface PodProbes {
    void run(String pod, Probe probe) throws Exception;
  }

  /** Probes one operation for the current pod size (see {@link #probe}). */
  public interface Probe {
    void probe(String name, Supplier<?> op);
  }

  /**
   * Prints the table header, then runs {@code probes} for each pod size (small, typical, large);
   * {@code args[0]} is the seconds per round, else {@code defaultSeconds}.
   */
  public static void forEachPod(String[] args, int defaultSeconds, int nameWidth, PodProbes probes)
      throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : defaultSeconds;
    System.out.printf(
        "%-" + nameWidth + "s %-8s %12s %12s%n", "benchmark", "pod", "cpu us/op", "B/op");
    for (String pod : new String[] {"small", "typical", "large"}) {
      probes.run(pod, (name, op) -> probe(nameWidth, name, pod, op, seconds));
    }
  }

  private static Object sink;

  /**
   * Warms {@code op} up, then times it for five rounds in this thread's CPU time and prints the
   * best round (the least disturbed by neighbours) with the bytes it allocates per call; the
   * harness of every CPU-time probe (see {@link #forEachPod}).
   */
  private static void probe(int nameWidth, String name, String pod, Supplier<?> op, int seconds) {
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
