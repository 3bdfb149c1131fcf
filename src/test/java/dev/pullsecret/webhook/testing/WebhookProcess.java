package dev.pullsecret.webhook.testing;

import dev.pullsecret.webhook.PullSecretWebhookApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The webhook server as a real process: the packaged jar on an AOT cache ({@link AotLaunch}), or
 * the application's main class on the test class path before {@code package}, in a JVM of its own,
 * configured by command-line properties and environment variables as the image and the chart
 * configure it. Stdout and stderr go to one log file. Both ports are random; they are read from
 * Tomcat's start-up lines ({@code Tomcat started on port 41234 (https)}).
 */
public final class WebhookProcess implements AutoCloseable {

  private static final Pattern STARTED =
      Pattern.compile("Tomcat started on port (\\d+) \\((https?)\\)");
  private static final Duration POLL = Duration.ofMillis(100);

  private final Process process;
  private final Path log;
  private int port;
  private int managementPort;

  private WebhookProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts the webhook on {@code files} with random ports, {@code properties} on its command line
   * and {@code env} added to its environment.
   */
  public static WebhookProcess start(
      TestServerFiles files, Map<String, String> properties, Map<String, String> env) {
    // Small and quick to start, like the image's flags; these tests run beside other builds.
    return start(
        files, properties, env, List.of("-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1"));
  }

  /**
   * As {@link #start(TestServerFiles, Map, Map)} with the image's own JVM flags, as the Dockerfile
   * sets them in {@code JAVA_TOOL_OPTIONS} (read from it, so the test follows the image), for tests
   * where memory is the question.
   */
  public static WebhookProcess startAsTheImage(
      TestServerFiles files, Map<String, String> properties) {
    return start(files, properties, imageEnvironment(), List.of());
  }

  /** The JVM flags and malloc setting the Dockerfile gives the process. */
  private static Map<String, String> imageEnvironment() {
    var env = new LinkedHashMap<String, String>();
    env.put("JAVA_TOOL_OPTIONS", dockerfileEnv("JAVA_TOOL_OPTIONS"));
    env.put("MALLOC_ARENA_MAX", dockerfileEnv("MALLOC_ARENA_MAX"));
    return env;
  }

  /**
   * Starts the packaged jar ({@code target/pullsecret-webhook-*.jar}: Failsafe tests only, they run
   * after {@code package}) as the image starts it, on Spring's AOT-generated wiring ({@code
   * -Dspring.aot.enabled=true}) and with the image's JVM flags; {@code properties} as for {@link
   * #start(TestServerFiles, Map, Map)}, {@code jvmOptions} before the jar (system properties).
   */
  public static WebhookProcess startPackagedJar(
      TestServerFiles files, Map<String, String> properties, List<String> jvmOptions) {
    var jvm = new ArrayList<String>(jvmOptions);
    jvm.add("-Dspring.aot.enabled=true");
    jvm.addAll(List.of("-jar", packagedJar().toString()));
    return launch(files, properties, imageEnvironment(), jvm);
  }

  private static Path packagedJar() {
    return packagedJarIfAny()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no packaged jar in target/ as new as target/classes: run package"));
  }

  /**
   * The packaged jar, if it is as new as every compiled class: a jar older than the classes (the
   * ITs run without {@code package}, as from an IDE) would test the code as it was.
   */
  static Optional<Path> packagedJarIfAny() {
    try (var jars = Files.list(Path.of("target"));
        var classes = Files.walk(Path.of("target", "classes"))) {
      long newestClass =
          classes.mapToLong(path -> path.toFile().lastModified()).max().orElse(Long.MAX_VALUE);
      return jars.filter(
              jar ->
                  jar.getFileName()
                      .toString()
                      .matches("pullsecret-webhook-[^-]+(-SNAPSHOT)?\\.jar"))
          .filter(jar -> jar.toFile().lastModified() >= newestClass)
          .findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The value of {@code name} in the Dockerfile's ENV lines. */
  static String dockerfileEnv(String name) {
    try {
      Matcher value =
          Pattern.compile("\\b" + name + "=(\"([^\"]*)\"|(\\S+))")
              .matcher(Files.readString(Path.of("Dockerfile")));
      if (!value.find()) {
        throw new IllegalStateException("no " + name + " in the Dockerfile");
      }
      return value.group(2) != null ? value.group(2) : value.group(3);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static WebhookProcess start(
      TestServerFiles files,
      Map<String, String> properties,
      Map<String, String> env,
      List<String> jvmOptions) {
    List<String> jvm =
        AotLaunch.jvm(jvmOptions, env.get("JAVA_TOOL_OPTIONS"))
            .orElseGet(
                () -> {
                  var classPath = new ArrayList<String>(jvmOptions);
                  classPath.addAll(List.of("-cp", System.getProperty("java.class.path")));
                  classPath.add(PullSecretWebhookApplication.class.getName());
                  return classPath;
                });
    return launch(files, properties, env, jvm);
  }

  /** {@code jvm}: the JVM's arguments up to and including what it runs (main class or jar). */
  private static WebhookProcess launch(
      TestServerFiles files,
      Map<String, String> properties,
      Map<String, String> env,
      List<String> jvm) {
    var all = new LinkedHashMap<String, String>();
    files.properties(all::put);
    all.put("server.port", "0");
    // Warming up only makes the start slower here; nothing in these tests measures latency.
    all.put("webhook.warm-up", "false");
    all.putAll(properties);

    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(jvm);
    all.forEach((name, value) -> command.add("--" + name + "=" + value));

    Path log = files.dir().resolve("webhook-" + System.nanoTime() + ".log");
    var builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    try {
      return new WebhookProcess(builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until both ports are open and readiness answers 200, polling until {@code timeout}; the
   * log is in the failure if the process dies or the time runs out.
   */
  public WebhookProcess awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (readiness() != 200) {
      if (!process.isAlive()) {
        throw new AssertionError("the webhook exited with " + process.exitValue() + ":\n" + log());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the webhook was not ready within " + timeout + ":\n" + log());
      }
      Thread.sleep(POLL);
    }
    return this;
  }

  /**
   * The status readiness answers now, or 0 if the management port is not known yet or refuses
   * connections (during shutdown: the management server stops first).
   */
  public int readiness() {
    if (managementPort == 0 && !readPorts()) {
      return 0;
    }
    var request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness"))
            .timeout(Duration.ofSeconds(2))
            .build();
    try (var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      return client.send(request, BodyHandlers.discarding()).statusCode();
    } catch (ConnectException e) {
      return 0;
    } catch (IOException e) {
      return 0; // reset or timed out while the server stops
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private boolean readPorts() {
    Matcher started = STARTED.matcher(log());
    while (started.find()) {
      int number = Integer.parseInt(started.group(1));
      if (started.group(2).equals("https")) {
        port = number;
      } else {
        managementPort = number;
      }
    }
    return port != 0 && managementPort != 0;
  }

  /** The admission port (HTTPS). */
  public int port() {
    return port;
  }

  /** The management port (plain HTTP: health, metrics). */
  public int managementPort() {
    return managementPort;
  }

  public Process process() {
    return process;
  }

  /** Everything the process wrote so far. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The exit code if the process ended within {@code timeout}. */
  public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        ? OptionalInt.of(process.exitValue())
        : OptionalInt.empty();
  }

  /** Kills the process if a test left it running. */
  @Override
  public void close() {
    process.destroyForcibly();
  }
}
