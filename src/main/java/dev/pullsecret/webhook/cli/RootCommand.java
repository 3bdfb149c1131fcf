package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.rules.Suggestions;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** The jar's commands: a new one is listed here and in {@link Cli#COMMANDS} (docs/cli.md). */
@Command(
    name = "pullsecret-webhook",
    synopsisHeading = "Usage: ",
    customSynopsis = "java -jar pullsecret-webhook.jar [COMMAND [OPTIONS]]%n",
    description = "Without a command, starts the webhook server (Spring Boot properties apply).",
    commandListHeading = "Commands (COMMAND --help for details):%n",
    subcommands = {
      ValidateCommand.class,
      PreviewCommand.class,
      CertsCommand.class,
      DoctorCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
final class RootCommand {

  @Option(
      names = {"-h", "--help"},
      usageHelp = true)
  boolean help;

  static int execute(String[] args, PrintStream out, PrintStream err) {
    return configure(new CommandLine(new RootCommand()), out, err).execute(args);
  }

  /** Streams, usage errors and help pages: for the root, or (in tests) for a single command. */
  static CommandLine configure(CommandLine line, PrintStream out, PrintStream err) {
    line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    line.setParameterExceptionHandler(RootCommand::usageError);
    line.setExecutionStrategy(RootCommand::refuseEmptyValuesThenRun);
    // The root's page lists commands, not -h; a command's page is its manual page (CliCommand).
    line.getHelpSectionMap().remove(UsageMessageSpec.SECTION_KEY_OPTION_LIST);
    return line;
  }

  /**
   * A command line that cannot be run: picocli finds the error, this says it in the commands' words
   * (with a did-you-mean hint for a misspelt option) in one line, and exit status 2.
   */
  private static int usageError(ParameterException e, String[] args) {
    CommandLine line = e.getCommandLine();
    String name = line.getCommandName();
    line.getErr().println(name + ": " + message(e, args) + " (see '" + name + " --help')");
    return 2;
  }

  /**
   * Runs the parsed command, after refusing options given an empty value ({@code --out=}): picocli
   * takes them as given, and an empty path or name is never what was meant.
   */
  private static int refuseEmptyValuesThenRun(ParseResult parsed) {
    for (ParseResult result = parsed; result != null; result = result.subcommand()) {
      for (OptionSpec option : result.matchedOptions()) {
        if (option.stringValues().contains("")) {
          throw new ParameterException(
              result.commandSpec().commandLine(),
              option.longestName() + " needs a non-empty value");
        }
      }
    }
    try {
      return new CommandLine.RunLast().execute(parsed);
    } finally {
      CommandLine line = parsed.commandSpec().commandLine();
      line.getOut().flush();
      line.getErr().flush();
    }
  }

  /**
   * The error in the commands' words: a value picocli could not convert is said in the converters'
   * own messages, which name the option; a flag given a value ({@code --force=yes}) is said so.
   */
  private static String message(ParameterException e, String[] args) {
    return switch (e) {
      case CommandLine.UnmatchedArgumentException unmatched -> unmatched(unmatched);
      case CommandLine.MissingParameterException missing
          when missing.getMissing().size() == 1
              && missing.getMissing().getFirst() instanceof OptionSpec option ->
          option.longestName() + " needs a value";
      case CommandLine.OverwrittenOptionException twice
          when twice.getOverwritten() instanceof OptionSpec option ->
          option.longestName() + " given more than once";
      // picocli's help command reports a word it does not know in its own sentence.
      case ParameterException help
          when help.getMessage().startsWith("Unknown subcommand '") && args.length > 0 ->
          unknownCommand(args[args.length - 1], help.getCommandLine().getSubcommands().keySet());
      case ParameterException flag
          when flag.getArgSpec() instanceof OptionSpec option && option.typeInfo().isBoolean() ->
          option.longestName() + " takes no value";
      case ParameterException bad
          when bad.getCause() instanceof CommandLine.TypeConversionException conversion ->
          conversion.getMessage();
      default -> e.getMessage();
    };
  }

  private static String unmatched(CommandLine.UnmatchedArgumentException e) {
    String arg = e.getUnmatched().getFirst();
    var commands = e.getCommandLine().getSubcommands().keySet();
    if (!commands.isEmpty() && !arg.startsWith("-")) {
      return unknownCommand(arg, commands);
    }
    if (!arg.startsWith("-") || arg.equals("-")) {
      return "unexpected argument '" + arg + "'";
    }
    String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
    var options = e.getCommandLine().getCommandSpec().optionsMap().keySet();
    return "unknown option '" + option + "'" + Suggestions.hint(option, options);
  }

  private static String unknownCommand(String word, Collection<String> commands) {
    return "unknown command '" + word + "'" + Suggestions.hint(word, commands);
  }
}
