package dev.pullsecret.webhook.registry;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@link DigestCacheBenchmark} timed in the measuring thread's CPU time, for busy machines (see
 * bench/README.md, CpuTimeProbe).
 *
 * <p>{@code ./mvnw -q -B -Pjmh -DskipTests test-compile exec:exec
 * -Djmh.main=dev.pullsecret.webhook.registry.DigestCpuProbe -Djmh.args=2}
 */
public final class DigestCpuProbe {

  private static Object sink;

  private DigestCpuProbe() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    System.out.printf("%-12s %-8s %12s %12s%n", "benchmark", "pod", "cpu us/op", "B/op");
    for (String pod : new String[] {"small", "typical", "large"}) {
      var b = new DigestCacheBenchmark();
      b.pod = pod;
      b.setUp();
      probe("plain", pod, b::plain, seconds);
      probe("mirrored", pod, b::mirrored, seconds);
      probe("cached", pod, b::cached, seconds);
      probe("candidates", pod, b::candidates, seconds);
      probe("lookupOnly", pod, b::lookupOnly, seconds);
      b.tearDown();
    }
  }

  private static void probe(String name, String pod, Supplier<?> op, int seconds) {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().threadId();
    long until = System.nanoTime() + seconds * 2_000_000_000L;
    while (System.nanoTime() < until) {
      for (int i = 0; i < 100; i++) {
        sink = op.get();
      }
    }
    double best = Double.MAX_VALUE;
    long bytes = 0;
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
    System.out.printf(Locale.ROOT, "%-12s %-8s %12.2f %12d%n", name, pod, best, bytes);
  }
}
