package dev.pullsecret.webhook.providers;

import dev.pullsecret.webhook.credentials.DockerConfig;
import dev.pullsecret.webhook.credentials.PullSecretCheck;
import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.providers.PluginFailure.Kind;
import dev.pullsecret.webhook.text.Text;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import org.springframework.format.annotation.DurationFormat;
import org.springframework.format.datetime.standard.DurationFormatterUtils;

/**
 * Runs one provider's plugin as the kubelet does ({@code execPlugin} in
 * pkg/credentialprovider/plugin/plugin.go): the binary named as the provider in the plugin
 * directory, with the configured {@code args}, the webhook's own environment plus the configured
 * {@code env} (so IRSA, GKE and Azure workload identity reach it from the webhook's
 * ServiceAccount), a {@code CredentialProviderRequest} on standard input, the answer read from
 * standard output.
 *
 * <p>Made safe where the kubelet trusts its plugins: at most one run at a time (a second caller
 * waits: {@link #ask} is synchronized); a time-out ({@code webhook.credential-providers.timeout},
 * the kubelet's one minute by default) after which the plugin and every process it started are
 * killed; standard output read up to {@link #MAX_STDOUT} and standard error up to {@link
 * #MAX_STDERR}, beyond which the plugin is killed (an endless stream costs a bounded buffer and the
 * time it took); every outcome a {@link PluginFailure} with a stable {@link Kind}, never an
 * exception of another type, never a credential in a message.
 */
final class ProviderPlugin {

  /** An answer is a few KiB (Google's names every registry host); a MiB is not an answer. */
  static final int MAX_STDOUT = 1024 * 1024;

  /** Diagnostics: only the first lines are shown anyway. */
  static final int MAX_STDERR = 64 * 1024;

  /** The longest its output may stay open after it exited (a child left running holds it open). */
  private static final Duration OUTPUT_GRACE = Duration.ofSeconds(2);

  private static final Duration POLL = Duration.ofMillis(20);

  private final CredentialProvider provider;
  private final Path binary;
  private final Duration timeout;

  /** The passwords of its last answers, never to be shown in its diagnostics. */
  private final Deque<String> given = new ConcurrentLinkedDeque<>();

  private static final int REMEMBERED = 16;

  ProviderPlugin(CredentialProvider provider, Path binDir, Duration timeout) {
    this.provider = provider;
    this.binary = binDir.resolve(provider.name());
    this.timeout = timeout;
  }

  /**
   * Asks for credentials of {@code registry}; the answer must cover it (an entry the kubelet would
   * use for every image of it).
   *
   * @throws PluginFailure whatever went wrong; the process is gone when it is thrown
   */
  synchronized PluginResponse.Answer ask(RegistryPattern registry) throws PluginFailure {
    if (!provider.matches(registry)) {
      String patterns =
          String.join(", ", provider.matchImages().stream().map(Object::toString).toList());
      throw new PluginFailure(
          Kind.NOT_CONFIGURED,
          ("provider %s is not made for registry %s: none of its matchImages (%s) matches it,"
                  + " so the kubelet would not ask it either")
              .formatted(provider.name(), registry, patterns));
    }
    PluginResponse.Answer answer = run(registry.toString());
    for (RegistryCredential credential : answer.auth()) {
      given.addFirst(credential.password());
      while (given.size() > REMEMBERED) {
        given.removeLast();
      }
    }
    Optional<RegistryCredential> covering =
        answer.auth().stream()
            .filter(c -> !c.isEmpty() && covers(List.of(c), registry)) // none: anonymous
            .max(Comparator.comparing(RegistryCredential::key)); // the kubelet's index order
    if (covering.isEmpty()) {
      String keys = Text.joined(answer.auth(), c -> PluginResponse.key(c.key()), ", ", 10);
      throw new PluginFailure(
          Kind.NOT_COVERED,
          "its answer has no credentials for registry %s (keys: %s)".formatted(registry, keys));
    }
    // Only for the registry asked about, keyed by it: never for a host its matchImages leave out,
    // and each registry with the credentials of its own answer, as the kubelet uses them.
    RegistryCredential chosen = covering.get();
    return new PluginResponse.Answer(
        List.of(new RegistryCredential(registry.toString(), chosen.username(), chosen.password())),
        answer.lifetime());
  }

  /** Whether one of {@code auth}'s keys covers {@code registry} on its own. */
  private static boolean covers(List<RegistryCredential> auth, RegistryPattern registry) {
    return PullSecretCheck.ofDecoded(
            PullSecretCheck.DOCKER_CONFIG_JSON,
            Map.of(PullSecretCheck.DOCKER_CONFIG_JSON_KEY, DockerConfig.json(auth)),
            List.of())
        .config()
        .covers(registry);
  }

  private PluginResponse.Answer run(String image) throws PluginFailure {
    if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
      String why = Files.exists(binary) ? "is not an executable file" : "does not exist";
      throw new PluginFailure(
          Kind.MISSING_BINARY,
          "plugin binary %s %s (webhook.credential-providers.bin-dir)".formatted(binary, why));
    }
    var builder = new ProcessBuilder(binary.toString());
    builder.command().addAll(provider.args());
    // The webhook's environment, then the configured variables: the kubelet's mergeEnvVars.
    builder.environment().putAll(provider.env());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new PluginFailure(
          Kind.MISSING_BINARY, "plugin binary " + binary + " cannot be run: " + e.getMessage());
    }
    var stdout = new OutputDrain(process, process.getInputStream(), MAX_STDOUT, "stdout");
    var stderr = new OutputDrain(process, process.getErrorStream(), MAX_STDERR, "stderr");
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(PluginResponse.request(provider.apiVersion(), image));
    } catch (IOException e) {
      // It exited, or closed its input without reading it: its status and output say more.
    }
    boolean exited;
    Set<ProcessHandle> started = new HashSet<>();
    try {
      exited = waitFor(process, started);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(process);
      throw new PluginFailure(Kind.TIMEOUT, "interrupted (the webhook is stopping): killed");
    }
    if (!exited) {
      kill(process);
      started.forEach(ProcessHandle::destroyForcibly); // a daemon is no longer its descendant
      stdout.await(OUTPUT_GRACE);
      stderr.await(OUTPUT_GRACE);
      throw new PluginFailure(
          Kind.TIMEOUT,
          "no answer within %s (webhook.credential-providers.timeout): killed%s"
              .formatted(
                  DurationFormatterUtils.print(timeout, DurationFormat.Style.COMPOSITE),
                  stderr.diagnostics(given)));
    }
    boolean closed = stdout.await(OUTPUT_GRACE) & stderr.await(OUTPUT_GRACE);
    // Exited, its children now someone else's: those seen while it ran are killed, so they release
    // the output (and the threads reading it), or just themselves, rather than live on, one more
    // per renewal (ProcessHandle checks the start time: a reused process id is not touched).
    started.forEach(ProcessHandle::destroyForcibly);
    stdout.refuseOverflow();
    stderr.refuseOverflow();
    if (!closed) {
      throw new PluginFailure(
          Kind.TIMEOUT,
          "it exited, but a process it started kept its output open; not read"
              + stderr.diagnostics(given));
    }
    if (process.exitValue() != 0) {
      throw new PluginFailure(
          Kind.EXIT_STATUS,
          "it exited with status " + process.exitValue() + stderr.diagnostics(given));
    }
    return PluginResponse.parse(stdout.bytes(), provider);
  }

  /**
   * Waits for the plugin until the time-out, noting every process it starts meanwhile (every {@link
   * #POLL}): once it has exited, what it left running is no longer among its descendants. One
   * started in its very last moments may be missed.
   */
  private boolean waitFor(Process process, Set<ProcessHandle> started) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (process.waitFor(Math.min(POLL.toNanos(), Math.max(left, 0)), TimeUnit.NANOSECONDS)) {
        return true;
      }
      if (left <= 0) {
        return false;
      }
      process.descendants().forEach(started::add);
    }
  }

  /** The plugin and what it started (a shell's children hold its output open). */
  static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
