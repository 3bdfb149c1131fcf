package dev.pullsecret.webhook.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The jar's command line: {@code java -jar pullsecret-webhook.jar COMMAND [OPTIONS]}. A new command
 * is a picocli {@code @Command} class listed here (and its name in {@link Cli#COMMANDS}), with its
 * manual page in {@code src/main/resources/dev/pullsecret/webhook/cli/NAME.txt} (see {@link
 * CliCommand}).
 */
@Command(
    name = "pullsecret-webhook",
    subcommands = {
      ValidateCommand.class,
      PreviewCommand.class,
      CertsCommand.class,
      DoctorCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
final class RootCommand {

  static final String USAGE = "usage";

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show the list of commands.")
  boolean help;

  static int execute(String[] args, PrintStream out, PrintStream err) {
    return configure(new CommandLine(new RootCommand()), out, err).execute(args);
  }

  /**
   * Everything a command line needs besides its command objects: streams, the usage error format
   * and the help pages. Applied to the root and, for tests, to a single command.
   */
  static CommandLine configure(CommandLine line, PrintStream out, PrintStream err) {
    line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    line.setParameterExceptionHandler(new UsageErrors());
    line.setExecutionStrategy(UsageErrors::refuseEmptyValuesThenRun);
    setPages(line);
    return line;
  }

  /** {@code --help} and {@code help COMMAND} print a command's manual page as it is. */
  private static void setPages(CommandLine line) {
    switch (line.getCommand()) {
      case RootCommand root -> setPage(line, RootCommand::commandList);
      case CliCommand command -> setPage(line, help -> command.manPage());
      default -> {}
    }
    line.getSubcommands().values().forEach(RootCommand::setPages);
  }

  private static void setPage(CommandLine line, CommandLine.IHelpSectionRenderer page) {
    line.setHelpSectionKeys(List.of(USAGE));
    line.getHelpSectionMap().put(USAGE, page);
  }

  private static String commandList(CommandLine.Help help) {
    var text = new StringBuilder();
    text.append("Usage: java -jar pullsecret-webhook.jar [COMMAND [OPTIONS]]\n\n");
    text.append("Without a command, starts the webhook server (Spring Boot properties apply).\n");
    text.append("Commands (COMMAND --help for details):\n");
    for (Map.Entry<String, CommandLine.Help> command : help.subcommands().entrySet()) {
      CommandSpec spec = command.getValue().commandSpec();
      if (!spec.usageMessage().hidden()) {
        String[] header = spec.usageMessage().header();
        String summary =
            String.join(" ", header.length > 0 ? header : spec.usageMessage().description());
        text.append(String.format("  %-11s %s%n", command.getKey(), summary));
      }
    }
    return text.toString();
  }
}
