package dev.pullsecret.webhook.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The chart's alerting rules, checked and unit-tested by Prometheus' own promtool: the
 * PrometheusRule's spec, rendered with every alert on, is written as a rules file next to the tests
 * of src/test/resources/alerts/ (input series, and the alerts expected at given times), then {@code
 * promtool check rules} and {@code promtool test rules} must succeed.
 *
 * <p>promtool comes with Debian's {@code prometheus} package, which .ci/run installs. Without it
 * the tests fail when {@code CI=true} and are skipped, saying so, elsewhere.
 */
class AlertRulesIT {

  static final Path TESTS = Path.of("src", "test", "resources", "alerts");
  static final Path WORK = Path.of("target", "promtool");
  private static final long TIMEOUT_SECONDS = 120;

  private static Path rulesFile;
  private static List<Map<String, Object>> rules;

  @BeforeAll
  static void writeRulesFile() throws IOException {
    Map<String, Object> spec = Monitoring.ruleSpec(Monitoring.rendering());
    rules = Monitoring.rules(spec);
    Files.createDirectories(WORK);
    var options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    rulesFile = WORK.resolve("pullsecret-webhook.rules.yaml");
    Files.writeString(rulesFile, new Yaml(options).dump(spec));
  }

  @Test
  void rulesFilePassesPromtoolCheck() throws Exception {
    var result = promtool("check", "rules", rulesFile.getFileName().toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @Test
  void everyAlertFiresAndStaysSilentAsItsUnitTestsExpect() throws Exception {
    List<String> args = new ArrayList<>(List.of("test", "rules"));
    for (Path test : testFiles()) {
      Files.copy(test, WORK.resolve(test.getFileName()), REPLACE);
      args.add(test.getFileName().toString());
    }

    var result = promtool(args.toArray(String[]::new));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  /**
   * Each alert has at least one case where it must fire and one where it must not, so a rule that
   * never fires (or always does) cannot pass.
   */
  @Test
  void everyAlertHasCasesWhereItFiresAndWhereItDoesNot() throws IOException {
    Set<String> fires = new TreeSet<>();
    Set<String> silent = new TreeSet<>();
    for (Path test : testFiles()) {
      Map<?, ?> file = yaml(test);
      assertThat(file.get("rule_files"))
          .as(test.toString())
          .isEqualTo(List.of(rulesFile.getFileName().toString()));
      for (Object group : (List<?>) file.get("tests")) {
        for (Object alertCase : (List<?>) ((Map<?, ?>) group).get("alert_rule_test")) {
          Map<?, ?> c = (Map<?, ?>) alertCase;
          List<?> expected = (List<?>) c.get("exp_alerts");
          (expected == null || expected.isEmpty() ? silent : fires)
              .add((String) c.get("alertname"));
        }
      }
    }
    Set<String> alerts = new TreeSet<>();
    rules.forEach(rule -> alerts.add((String) rule.get("alert")));

    assertThat(fires).as("alerts with a firing case").containsExactlyElementsOf(alerts);
    assertThat(silent).as("alerts with a silent case").containsExactlyElementsOf(alerts);
  }

  private static final CopyOption REPLACE = StandardCopyOption.REPLACE_EXISTING;

  private static List<Path> testFiles() throws IOException {
    try (Stream<Path> files = Files.list(TESTS)) {
      return files.filter(f -> f.toString().endsWith(".test.yaml")).sorted().toList();
    }
  }

  private static Map<?, ?> yaml(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    }
  }

  record Result(int exitCode, String output) {}

  /** Runs promtool in {@link #WORK} (rule_files are relative to the test files), bounded. */
  private static Result promtool(String... args) throws Exception {
    Path promtool = promtoolOnPath();
    List<String> command = new ArrayList<>();
    command.add(promtool.toString());
    command.addAll(List.of(args));
    // Output to a file, not a pipe: a full pipe would block promtool until the time-out.
    Path log = WORK.resolve("promtool-" + args[0] + ".log");
    Process process =
        new ProcessBuilder(command)
            .directory(WORK.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String commandLine = "promtool " + String.join(" ", args);
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(commandLine + " took over " + TIMEOUT_SECONDS + " s");
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    return new Result(process.exitValue(), commandLine + ":\n" + output);
  }

  /** promtool on PATH, or the file named by the environment variable PROMTOOL. */
  private static Path promtoolOnPath() {
    String path = System.getenv().getOrDefault("PATH", "");
    Stream<Path> candidates =
        System.getenv("PROMTOOL") != null
            ? Stream.of(Path.of(System.getenv("PROMTOOL")))
            : Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "promtool"));
    Optional<Path> found = candidates.filter(Files::isExecutable).findFirst();
    if (found.isEmpty() && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(
          "promtool is not on PATH (or PROMTOOL) with CI=true: .ci/run installs it (apt-get"
              + " install prometheus)");
    }
    assumeThat(found)
        .as("promtool is not on PATH (or PROMTOOL): apt-get install prometheus to run these tests")
        .isPresent();
    return found.orElseThrow();
  }
}
