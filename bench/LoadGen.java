import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Load generator of the benchmark: HTTP/1.1 over TLS with keep-alive, as the API server calls a
 * webhook. Run with {@code java LoadGen.java ...} (JDK only, no dependencies).
 *
 * <p>Two modes:
 *
 * <ul>
 *   <li>{@code --rate R}: open loop at a constant offered rate. Request {@code i} is due at {@code
 *       start + i/R}; whichever connection is free sends it, and its latency is measured from the
 *       time it was due, not from the time it was sent. A server that stalls therefore shows the
 *       whole wait of every request queued behind the stall (no coordinated omission), as wrk2 does.
 *   <li>{@code --rate max}: closed loop, every connection sends its next request as soon as the last
 *       answer arrived: the maximum throughput. Latencies are then service times.
 * </ul>
 *
 * <p>It prints one result line (tab-separated {@code key=value}) per run; {@code --pid} adds the
 * server's CPU time per request and its resident memory, read from {@code /proc}. {@code report
 * FILE} prints those lines as a table with every figure as a ratio to the no-op floor.
 */
public class LoadGen {

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("report")) {
      Report.print(Path.of(args[1]));
      return;
    }
    var o = Options.parse(args);
    var run = new Run(o);
    run.go();
  }

  record Options(
      String host,
      int port,
      String path,
      byte[] body,
      String label,
      String endpoint,
      Path caCert,
      int connections,
      double rate,
      double warmupSeconds,
      double seconds,
      long maxRequests,
      long pid,
      int clockTicks,
      Path out) {

    static Options parse(String[] args) throws IOException {
      Map<String, String> m = new HashMap<>();
      for (int i = 0; i + 1 < args.length; i += 2) {
        if (!args[i].startsWith("--")) {
          throw new IllegalArgumentException("expected --option value, got " + args[i]);
        }
        m.put(args[i].substring(2), args[i + 1]);
      }
      var url = java.net.URI.create(m.getOrDefault("url", "https://localhost:8443/mutate"));
      String rate = m.getOrDefault("rate", "max");
      Path body = Path.of(req(m, "body"));
      return new Options(
          url.getHost(),
          url.getPort(),
          url.getRawPath(),
          Files.readAllBytes(body),
          m.getOrDefault("label", body.getFileName().toString().replace(".review.json", "")),
          url.getRawPath().substring(1),
          Path.of(req(m, "cacert")),
          Integer.parseInt(m.getOrDefault("connections", "8")),
          rate.equals("max") ? 0 : Double.parseDouble(rate),
          Double.parseDouble(m.getOrDefault("warmup", "5")),
          Double.parseDouble(m.getOrDefault("duration", "20")),
          Long.parseLong(m.getOrDefault("requests", "0")),
          Long.parseLong(m.getOrDefault("pid", "0")),
          Integer.parseInt(m.getOrDefault("clk-tck", "100")),
          m.containsKey("out") ? Path.of(m.get("out")) : null);
    }

    private static String req(Map<String, String> m, String key) {
      String v = m.get(key);
      if (v == null) {
        throw new IllegalArgumentException("--" + key + " is required");
      }
      return v;
    }

    boolean openLoop() {
      return rate > 0;
    }
  }

  /** One measured run: a warm-up phase whose figures are dropped, then the measured phase. */
  static final class Run {
    final Options o;
    final SSLContext tls;
    final byte[] request;

    Run(Options o) throws Exception {
      this.o = o;
      this.tls = trusting(o.caCert());
      String head =
          "POST "
              + o.path()
              + " HTTP/1.1\r\nHost: "
              + o.host()
              + ":"
              + o.port()
              + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: "
              + o.body().length
              + "\r\n\r\n";
      var r = new ByteArrayOutputStream();
      r.write(head.getBytes(StandardCharsets.US_ASCII));
      r.write(o.body());
      this.request = r.toByteArray();
    }

    void go() throws Exception {
      List<Connection> connections = new ArrayList<>();
      for (int i = 0; i < o.connections(); i++) {
        connections.add(new Connection(this));
      }
      if (o.warmupSeconds() > 0) {
        phase(connections, o.warmupSeconds(), 0);
      }
      Proc before = Proc.read(o.pid(), o.clockTicks());
      Proc self0 = Proc.read(ProcessHandle.current().pid(), o.clockTicks());
      var rss = new RssSampler(o.pid());
      rss.start();
      Phase measured = phase(connections, o.seconds(), o.maxRequests());
      rss.stop();
      Proc after = Proc.read(o.pid(), o.clockTicks());
      Proc self1 = Proc.read(ProcessHandle.current().pid(), o.clockTicks());
      for (Connection c : connections) {
        c.close();
      }
      String line = measured.result(o, before, after, self0, self1, rss);
      System.out.println(line);
      if (o.out() != null) {
        Files.writeString(
            o.out(),
            line + "\n",
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
      }
    }

    Phase phase(List<Connection> connections, double seconds, long maxRequests)
        throws InterruptedException {
      var phase = new Phase(System.nanoTime(), (long) (seconds * 1e9), maxRequests, o.rate());
      var done = new CountDownLatch(connections.size());
      List<Thread> threads = new ArrayList<>();
      for (Connection c : connections) {
        threads.add(
            Thread.ofPlatform()
                .name("loadgen")
                .start(
                    () -> {
                      try {
                        c.drive(phase);
                      } finally {
                        done.countDown();
                      }
                    }));
      }
      done.await();
      phase.end = System.nanoTime();
      return phase;
    }
  }

  /** The shared schedule of one phase and the latencies every connection recorded in it. */
  static final class Phase {
    final long start;
    final long length;
    final long maxRequests;
    final double interval;
    final AtomicLong tickets = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final List<long[]> latencies = new ArrayList<>();
    final List<Integer> counts = new ArrayList<>();
    long end;

    Phase(long start, long length, long maxRequests, double rate) {
      this.start = start;
      this.length = length;
      this.maxRequests = maxRequests;
      this.interval = rate > 0 ? 1e9 / rate : 0;
    }

    /** The time request {@code ticket} is due, or -1 when the phase is over. */
    long due(long ticket) {
      if (maxRequests > 0 && ticket >= maxRequests) {
        return -1;
      }
      long due = interval > 0 ? start + (long) (ticket * interval) : System.nanoTime();
      return due - start >= length ? -1 : due;
    }

    synchronized void collect(long[] values, int count) {
      latencies.add(values);
      counts.add(count);
    }

    String result(Options o, Proc before, Proc after, Proc self0, Proc self1, RssSampler rss) {
      int total = counts.stream().mapToInt(Integer::intValue).sum();
      long[] all = new long[total];
      int at = 0;
      for (int i = 0; i < latencies.size(); i++) {
        System.arraycopy(latencies.get(i), 0, all, at, counts.get(i));
        at += counts.get(i);
      }
      Arrays.sort(all);
      double seconds = (end - start) / 1e9;
      var out = new StringBuilder();
      kv(out, "label", o.label());
      kv(out, "endpoint", o.endpoint());
      kv(out, "bytes", o.body().length);
      kv(out, "rate", o.openLoop() ? String.valueOf((long) o.rate()) : "max");
      kv(out, "connections", o.connections());
      kv(out, "requests", total);
      kv(out, "seconds", fmt(seconds));
      kv(out, "throughput", fmt(total / seconds));
      kv(out, "p50_ms", ms(pct(all, 50)));
      kv(out, "p90_ms", ms(pct(all, 90)));
      kv(out, "p99_ms", ms(pct(all, 99)));
      kv(out, "p99.9_ms", ms(pct(all, 99.9)));
      kv(out, "max_ms", ms(all.length == 0 ? 0 : all[all.length - 1]));
      kv(out, "errors", errors.get());
      if (before != null && after != null) {
        double cpuSeconds = after.cpuSeconds - before.cpuSeconds;
        kv(out, "server_cpu_pct", fmt(100 * cpuSeconds / seconds));
        kv(out, "server_cpu_us_per_req", fmt(total == 0 ? 0 : 1e6 * cpuSeconds / total));
        kv(out, "server_rss_mib", fmt(rss.last / 1024.0));
        kv(out, "server_rss_max_mib", fmt(rss.max / 1024.0));
      }
      if (self0 != null && self1 != null) {
        kv(out, "client_cpu_pct", fmt(100 * (self1.cpuSeconds - self0.cpuSeconds) / seconds));
      }
      return out.toString().strip();
    }

    private static long pct(long[] sorted, double p) {
      if (sorted.length == 0) {
        return 0;
      }
      int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
  }

  /** One keep-alive TLS connection, driven by one platform thread. */
  static final class Connection {
    private final Run run;
    private SSLSocket socket;
    private OutputStream out;
    private InputStream in;

    Connection(Run run) throws IOException {
      this.run = run;
      open();
    }

    private void open() throws IOException {
      socket = (SSLSocket) run.tls.getSocketFactory().createSocket(run.o.host(), run.o.port());
      SSLParameters params = socket.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      if (!Character.isDigit(run.o.host().charAt(0))) {
        params.setServerNames(List.of(new SNIHostName(run.o.host())));
      }
      socket.setSSLParameters(params);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(30_000);
      socket.startHandshake();
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    void drive(Phase phase) {
      long[] latencies = new long[1024];
      int count = 0;
      while (true) {
        long due = phase.due(phase.tickets.getAndIncrement());
        if (due < 0) {
          break;
        }
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        boolean ok;
        try {
          ok = exchange();
        } catch (IOException e) {
          ok = false;
          reopen();
        }
        long latency = System.nanoTime() - due;
        if (!ok) {
          phase.errors.incrementAndGet();
          continue;
        }
        if (count == latencies.length) {
          latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = latency;
      }
      phase.collect(latencies, count);
    }

    private void reopen() {
      close();
      try {
        open();
      } catch (IOException e) {
        LockSupport.parkNanos(10_000_000);
      }
    }

    /** Sends the request and reads the whole answer; true if it was a 200. */
    private boolean exchange() throws IOException {
      out.write(run.request);
      out.flush();
      String status = line();
      if (status == null) {
        throw new IOException("connection closed");
      }
      long length = -1;
      boolean chunked = false;
      boolean close = false;
      String header;
      while (!(header = line()).isEmpty()) {
        int colon = header.indexOf(':');
        String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
          case "connection" -> close = value.equalsIgnoreCase("close");
          default -> {}
        }
      }
      if (chunked) {
        long chunk;
        while ((chunk = Long.parseLong(line().split(";")[0].trim(), 16)) > 0) {
          skip(chunk);
          line();
        }
        while (!line().isEmpty()) {}
      } else if (length > 0) {
        skip(length);
      }
      if (close) {
        reopen();
      }
      return status.startsWith("HTTP/1.1 200");
    }

    private void skip(long n) throws IOException {
      in.skipNBytes(n);
    }

    private String line() throws IOException {
      var b = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          int len = b.length();
          return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
        }
        b.append((char) c);
      }
      if (b.isEmpty()) {
        return null;
      }
      throw new IOException("connection closed mid-line");
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /** CPU time of a process so far, from /proc/PID/stat (utime + stime). */
  record Proc(double cpuSeconds) {
    static Proc read(long pid, int clockTicks) {
      if (pid <= 0) {
        return null;
      }
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // The command name may contain spaces; the fields after it are space-separated.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return new Proc((double) ticks / clockTicks);
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
  }

  /** Samples VmRSS of the server every 100 ms while the measured phase runs. */
  static final class RssSampler {
    private final long pid;
    private Thread thread;
    private volatile boolean running;
    volatile long last;
    volatile long max;

    RssSampler(long pid) {
      this.pid = pid;
    }

    void start() {
      if (pid <= 0) {
        return;
      }
      running = true;
      thread =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    while (running) {
                      sample();
                      LockSupport.parkNanos(100_000_000);
                    }
                  });
    }

    void stop() throws InterruptedException {
      if (thread != null) {
        running = false;
        thread.join();
        sample();
      }
    }

    private void sample() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith("VmRSS:")) {
            long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
            last = kib;
            max = Math.max(max, kib);
          }
        }
      } catch (IOException ignored) {
        // the server is gone; the run reports errors
      }
    }
  }

  /** Prints result lines as a table, each figure beside its ratio to the no-op floor. */
  static final class Report {
    static void print(Path file) throws IOException {
      List<Map<String, String>> rows = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank()) {
          continue;
        }
        Map<String, String> row = new HashMap<>();
        for (String kv : line.split("\t")) {
          int eq = kv.indexOf('=');
          row.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        rows.add(row);
      }
      System.out.printf(
          "%-8s %-6s %6s %9s %8s %8s %8s %8s %6s %9s %7s %9s %8s%n",
          "pod",
          "path",
          "offered",
          "req/s",
          "p50 ms",
          "p90 ms",
          "p99 ms",
          "p99.9 ms",
          "errors",
          "CPU us/req",
          "CPU %",
          "RSS MiB",
          "client %");
      for (var row : rows) {
        Map<String, String> floor =
            rows.stream()
                .filter(r -> r.get("endpoint").equals("noop"))
                .filter(r -> r.get("label").equals(row.get("label")))
                .filter(r -> r.get("rate").equals(row.get("rate")))
                .findFirst()
                .orElse(null);
        boolean ratio = floor != null && floor != row;
        System.out.printf(
            "%-8s %-6s %6s %9s %8s %8s %8s %8s %6s %9s %7s %9s %8s%n",
            row.get("label"),
            row.get("endpoint"),
            row.get("rate"),
            row.get("throughput"),
            row.get("p50_ms"),
            row.get("p90_ms"),
            row.get("p99_ms"),
            row.get("p99.9_ms"),
            row.get("errors"),
            row.getOrDefault("server_cpu_us_per_req", "-"),
            row.getOrDefault("server_cpu_pct", "-"),
            row.getOrDefault("server_rss_max_mib", "-"),
            row.getOrDefault("client_cpu_pct", "-"));
        if (ratio) {
          System.out.printf(
              "%-8s %-6s %6s %9s %8s %8s %8s %8s %6s %9s %7s %9s%n",
              "",
              "/floor",
              "",
              x(row, floor, "throughput"),
              x(row, floor, "p50_ms"),
              x(row, floor, "p90_ms"),
              x(row, floor, "p99_ms"),
              x(row, floor, "p99.9_ms"),
              "",
              x(row, floor, "server_cpu_us_per_req"),
              x(row, floor, "server_cpu_pct"),
              x(row, floor, "server_rss_max_mib"));
        }
      }
    }

    private static String x(Map<String, String> row, Map<String, String> floor, String key) {
      try {
        double a = Double.parseDouble(row.get(key));
        double b = Double.parseDouble(floor.get(key));
        return b == 0 ? "-" : String.format(Locale.ROOT, "x%.2f", a / b);
      } catch (RuntimeException e) {
        return "-";
      }
    }
  }

  static SSLContext trusting(Path caCert) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (var in = new FileInputStream(caCert.toFile())) {
      int i = 0;
      for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca" + i++, cert);
      }
    }
    var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  private static void kv(StringBuilder out, String key, Object value) {
    out.append(key).append('=').append(value).append('\t');
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
