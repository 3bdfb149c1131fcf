package dev.pullsecret.webhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.PullSecretWebhookApplication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands run as a real process, through the application's main class, as users run them. */
class CommandProcessIT {

  record Result(int exitCode, String out, String err) {}

  @TempDir Path dir;

  @Test
  void validateExitsZeroOnTheShippedExample() throws Exception {
    Result result = run(null, "validate", "examples/rules.yaml");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("examples/rules.yaml: valid");
  }

  @Test
  void validateExitsOneWithLocatedErrorsAndNoStackTrace() throws Exception {
    Result result = run(null, "validate", "examples/rules-with-mistakes.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .contains("examples/rules-with-mistakes.yaml:9:5:")
        .doesNotContain("\tat ");
  }

  @Test
  void previewReadsManifestsPipedOnStandardInput() throws Exception {
    Result result =
        run(
            Path.of("examples/deployment.yaml"),
            "preview",
            "--rules",
            "examples/rules.yaml",
            "--namespace",
            "team-a-dev",
            "-");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("# Deployment/web in namespace team-a-dev: rule team-a (glob team-a-*), PATCHED")
        .contains(
            "spec.imagePullSecrets: (absent) ->"
                + " [{\"name\":\"dockerhub-creds\"},{\"name\":\"corp-creds\"},{\"name\":\"gar-creds\"}]");
  }

  @Test
  void usageErrorsExitTwo() throws Exception {
    Result result = run(null, "preview", "--rules");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("preview: --rules needs a value (see 'preview --help')\n");
  }

  @Test
  void helpListsTheCommandsWithoutStartingTheServer() throws Exception {
    Result result = run(null, "help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("  validate ", "  preview ", "  certs ")
        .doesNotContain("Tomcat");
  }

  private Result run(Path stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(PullSecretWebhookApplication.class.getName());
    command.addAll(List.of(args));
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    var builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    if (stdin != null) {
      builder.redirectInput(stdin.toFile());
    }
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("command did not finish: " + command);
    }
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
