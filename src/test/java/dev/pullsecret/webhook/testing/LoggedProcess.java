package dev.pullsecret.webhook.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process whose stdout and stderr go to one log file, named in every failure message, and
 * that is stopped as a service manager stops one: SIGTERM, a grace period, then SIGKILL.
 */
final class LoggedProcess {

  private final String name;
  private final Process process;
  private final Path log;

  private LoggedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code command} with stdin from /dev/null, its output in {@code log} (replacing what an
   * earlier attempt wrote there, so that the log tells of this one only), and no environment
   * variable whose name starts with one of {@code dropEnvPrefixes} (etcd reads {@code ETCD_*} as
   * flags).
   */
  static LoggedProcess start(String name, List<String> command, Path log, String... dropEnvPrefixes)
      throws IOException {
    var builder =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    for (String prefix : dropEnvPrefixes) {
      builder.environment().keySet().removeIf(key -> key.startsWith(prefix));
    }
    return new LoggedProcess(name, builder.start(), log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** Whether the log says the process could not listen on a port another process took first. */
  boolean lostAPortRace() {
    return !process.isAlive() && tail(200).contains("address already in use");
  }

  /** The last {@code lines} lines of the log. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** A failure message with the end of the log and where the whole of it is. */
  String failure(String what) {
    String state = process.isAlive() ? "running" : "exited with " + process.exitValue();
    return name + " " + what + " (" + state + "); log " + log + ", last lines:\n" + tail(30);
  }

  /** SIGTERM, up to {@code grace} to exit, then SIGKILL; waits for the end either way. */
  void stop(Duration grace) {
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
