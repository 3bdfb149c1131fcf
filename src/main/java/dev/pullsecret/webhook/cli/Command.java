package dev.pullsecret.webhook.cli;

import java.io.PrintStream;
import java.util.List;

/** A command-line mode of the jar that runs without starting the server. */
public interface Command {

  /** The first argument that selects this command, e.g. {@code certs}. */
  String name();

  /** One line for the list of commands. */
  String summary();

  /**
   * Runs the command. Errors are reported on {@code err} as messages, never as stack traces.
   *
   * @return the process exit code: 0 on success, 1 on a failure of the work, 2 on a usage error
   */
  int run(List<String> args, PrintStream out, PrintStream err);
}
