package dev.pullsecret.webhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The jar's command line as a whole: which arguments select it, help, completion, typos. */
class CliTest {

  @Test
  void theNamesThatSelectTheCommandLineAreExactlyItsCommands() {
    Set<String> names = new HashSet<>(new CommandLine(new RootCommand()).getSubcommands().keySet());
    names.addAll(Set.of("--help", "-h"));

    assertThat(Cli.COMMANDS).isEqualTo(names);
  }

  /** docs/cli.md's table of commands names each command once, help included. */
  @Test
  void theCommandTableOfTheDocsListsEveryCommand() throws IOException {
    List<String> listed = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("docs", "cli.md"))) {
      Matcher row = COMMAND_ROW.matcher(line);
      if (row.find()) {
        listed.add(row.group(1));
      }
    }

    assertThat(listed)
        .containsExactlyInAnyOrderElementsOf(
            new CommandLine(new RootCommand()).getSubcommands().keySet());
  }

  private static final Pattern COMMAND_ROW = Pattern.compile("^\\| `([a-z]+)[ `]");

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

  static Set<String> commandsWithManPages() {
    Set<String> commands =
        new TreeSet<>(new CommandLine(new RootCommand()).getSubcommands().keySet());
    commands.remove("help");
    return commands;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commandsWithManPages")
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
