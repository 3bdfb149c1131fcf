package dev.pullsecret.webhook.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * {@code --debug}, mixed into the commands that read user files: an unexpected failure is one line,
 * and its stack trace only on request.
 */
final class DebugOption {

  @Option(names = "--debug")
  boolean debug;

  /** Reports an unexpected failure; returns the exit status of a failed run, 1. */
  int failed(PrintWriter err, String message, RuntimeException e) {
    err.println(message + e);
    if (debug) {
      e.printStackTrace(err);
    }
    return 1;
  }
}
