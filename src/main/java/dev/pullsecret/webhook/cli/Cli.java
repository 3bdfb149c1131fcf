package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.rules.Suggestions;
import java.util.Set;

/**
 * Decides whether the jar's arguments name a command of {@link RootCommand}, without loading
 * picocli: the server's start pays nothing for the command line.
 */
public final class Cli {

  /** First arguments that select the command line: {@link RootCommand}'s (CliTest checks). */
  static final Set<String> COMMANDS =
      Set.of("validate", "preview", "certs", "doctor", "completion", "help", "--help", "-h");

  private Cli() {}

  /**
   * True when the arguments select a command; otherwise the server starts. A near miss of a command
   * name ({@code vaildate}) selects the command line too, to be refused with a hint rather than
   * start a server nobody asked for.
   */
  public static boolean selectsCommand(String[] args) {
    if (args.length == 0) {
      return false;
    }
    String first = args[0];
    return COMMANDS.contains(first)
        || (!first.startsWith("-") && Suggestions.closest(first, COMMANDS).isPresent());
  }

  /** Runs the command the arguments name on the process streams; returns the exit code. */
  public static int run(String[] args) {
    return RootCommand.configure(new RootCommand(), System.out, System.err).execute(args);
  }
}
