package dev.pullsecret.webhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The jar's command line as a whole: which arguments select it, help, completion, typos. */
class CliTest {

  @Test
  void theNamesThatSelectTheCommandLineAreExactlyItsCommands() {
    Set<String> names = new HashSet<>(new CommandLine(new RootCommand()).getSubcommands().keySet());
    names.addAll(Set.of("--help", "-h"));

    assertThat(Cli.COMMANDS).isEqualTo(names);
  }

  @Test
  void withoutACommandOrWithSpringPropertiesTheServerStarts() {
    assertThat(Cli.selectsCommand(new String[] {})).isFalse();
    assertThat(Cli.selectsCommand(new String[] {"--server.port=8443"})).isFalse();
  }

  @Test
  void helpForACommandIsItsManPage() {
    CommandRun run = CommandRun.jar("help", "validate");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .startsWith("NAME\n    validate - ")
        .isEqualTo(CommandRun.jar("validate", "--help").out());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"validate", "preview", "certs", "completion"})
  void everyManPageFitsAnEightyColumnTerminal(String command) {
    String page = CommandRun.jar(command, "--help").out();

    assertThat(page).contains("NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS");
    assertThat(page.lines()).allSatisfy(line -> assertThat(line).hasSizeLessThan(80));
  }

  @Test
  void aMisspeltOptionGetsAHint() {
    CommandRun run = CommandRun.jar("certs", "--forse");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "certs: unknown option '--forse'; did you mean '--force'? (see 'certs --help')\n");
  }

  @Test
  void aMisspeltCommandGetsAHintInsteadOfStartingTheServer() {
    assertThat(Cli.selectsCommand(new String[] {"vaildate", "rules.yaml"})).isTrue();

    CommandRun run = CommandRun.jar("vaildate", "rules.yaml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "pullsecret-webhook: unknown command 'vaildate'; did you mean 'validate'?"
                + " (see 'pullsecret-webhook --help')\n");
  }

  @Test
  void helpForAMisspeltCommandGetsAHint() {
    CommandRun run = CommandRun.jar("help", "preveiw");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("unknown command 'preveiw'; did you mean 'preview'?");
  }

  @Test
  void completionPrintsABashScriptForEveryCommandAndKeyAlgorithm() {
    CommandRun run = CommandRun.jar("completion");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("complete -F", "pullsecret-webhook")
        .contains("validate", "preview", "certs")
        .contains("--key-algorithm", "rsa-4096");
  }
}
