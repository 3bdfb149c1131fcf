package dev.pullsecret.webhook.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How the ITs launch the webhook quickly: the packaged jar, extracted as the image extracts it,
 * with a JVM AOT cache (JEP 483, as the image has one) trained once per test JVM and set of JVM
 * flags. About 50 processes start in {@code ./mvnw verify}, and each starts in about half the time
 * (1.0 s to the refreshed context instead of 2.0 s on a quiet machine). The cache changes how fast
 * classes load, not what runs: a cache that does not fit is ignored by the JVM, which then starts
 * as before. In the unit tier, before {@code package}, there is no jar: the caller falls back to
 * the class path.
 */
final class AotLaunch {

  private static final Path DIR = Path.of("target", "webhook-process");
  private static final Map<List<String>, Optional<List<String>>> LAUNCHES = new HashMap<>();
  private static Optional<Path> extracted;

  private AotLaunch() {}

  /**
   * The JVM arguments that run the webhook with {@code flags} (and {@code javaToolOptions} in the
   * environment) on an AOT cache, from {@code flags} up to the jar; empty without a packaged jar or
   * when the training run fails (its log says why).
   */
  static synchronized Optional<List<String>> jvm(List<String> flags, String javaToolOptions) {
    var key = new ArrayList<>(flags);
    key.add(String.valueOf(javaToolOptions));
    return LAUNCHES.computeIfAbsent(key, k -> train(flags, javaToolOptions, LAUNCHES.size()));
  }

  private static Optional<List<String>> train(
      List<String> flags, String javaToolOptions, int number) {
    Optional<Path> jar = extracted();
    if (jar.isEmpty()) {
      return Optional.empty();
    }
    Path cache = DIR.resolve("app-" + number + ".aot").toAbsolutePath();
    Path training = DIR.resolve("training-" + number);
    var command = new ArrayList<String>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(flags);
    command.addAll(
        List.of(
            "-XX:AOTCacheOutput=" + cache,
            "-Dspring.context.exit=onRefresh",
            "-jar",
            jar.get().toString(),
            "--webhook.tls.self-signed-dir=" + training.resolve("certs").toAbsolutePath(),
            "--webhook.rules.file=" + Path.of("examples", "rules.yaml").toAbsolutePath(),
            "--server.port=0",
            "--management.server.port=0"));
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(DIR.resolve("training-" + number + ".log").toFile());
    if (javaToolOptions != null) {
      builder.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
    }
    try {
      Process process = builder.start();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        return Optional.empty();
      }
      if (process.exitValue() != 0 || !Files.exists(cache)) {
        return Optional.empty();
      }
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    var jvm = new ArrayList<>(flags);
    jvm.addAll(List.of("-XX:AOTCache=" + cache, "-jar", jar.get().toString()));
    return Optional.of(jvm);
  }

  /** The packaged jar, extracted afresh into {@value} once per test JVM (it may have changed). */
  private static Optional<Path> extracted() {
    if (extracted != null) {
      return extracted;
    }
    extracted = Optional.empty();
    Optional<Path> packaged = WebhookProcess.packagedJarIfAny();
    if (packaged.isEmpty()) {
      return extracted;
    }
    try {
      deleteRecursively(DIR);
      Files.createDirectories(DIR);
      Process extract =
          new ProcessBuilder(
                  ProcessHandle.current().info().command().orElseThrow(),
                  "-Djarmode=tools",
                  "-jar",
                  packaged.get().toString(),
                  "extract",
                  "--destination",
                  DIR.resolve("app").toString())
              .redirectErrorStream(true)
              .redirectOutput(DIR.resolve("extract.log").toFile())
              .start();
      if (extract.waitFor(1, TimeUnit.MINUTES) && extract.exitValue() == 0) {
        extracted =
            Optional.of(DIR.resolve("app").resolve(packaged.get().getFileName()).toAbsolutePath());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return extracted;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.delete(path);
      }
    }
  }
}
