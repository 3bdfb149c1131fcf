package dev.pullsecret.webhook.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pullsecret.webhook.testing.WallClock;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code bench/run.sh --smoke} against the packaged jar (this is a Failsafe test, run by
 * {@code verify} after {@code package}), so the benchmark cannot rot: a few hundred reviews through
 * the real server, the load generator and the report, and not one error. Skipped, with the reason
 * printed, where the script's tools are missing.
 */
@WallClock
class BenchSmokeIT {

  private static final Path SCRIPT = Path.of("bench/run.sh");

  @Test
  void benchmarkRunsAndAnswersEveryReview() throws Exception {
    for (String tool : new String[] {"bash", "curl", "openssl"}) {
      boolean found = onPath(tool);
      if (!found) {
        System.out.println("BenchSmokeIT skipped: " + tool + " is not on the PATH");
      }
      assumeTrue(found, tool + " is not on the PATH");
    }
    Path log = Files.createTempFile("bench-smoke", ".log");
    var process =
        new ProcessBuilder("bash", SCRIPT.toString(), "--smoke")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    process.environment().put("JAVA_HOME", System.getProperty("java.home"));
    process.environment().put("BENCH_PORT", String.valueOf(freePort()));
    process.environment().put("BENCH_MANAGEMENT_PORT", String.valueOf(freePort()));
    Process running = process.start();

    boolean finished = running.waitFor(120, TimeUnit.SECONDS);
    if (!finished) {
      running.descendants().forEach(ProcessHandle::destroy);
      running.destroy();
    }

    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(output);
    assertThat(finished).as("smoke run finished within 120 s").isTrue();
    assertThat(running.exitValue()).as(output).isZero();
    assertThat(output).contains("typical  mutate").contains("typical  noop").contains("/floor");
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
