package dev.pullsecret.webhook.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every command of the jar has: {@code -h/--help} printing its hand-written manual page, the
 * streams picocli was given, and usage errors in the one-line form of {@link UsageErrors}. A
 * command returns its exit status: 0 on success, 1 when the work failed, 2 (by a usage error) when
 * the command line is wrong.
 */
abstract class CliCommand implements Callable<Integer> {

  @Option(
      names = {"-h", "--help"},
      usageHelp = true)
  boolean help;

  @Spec CommandSpec spec;

  /**
   * The manual page: NAME, SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS, EXAMPLES, SEE ALSO, lines
   * under 80 columns, kept as text in {@code COMMAND.txt} beside this class.
   */
  String manPage() {
    String file = spec.name() + ".txt";
    try (InputStream in = CliCommand.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("no manual page " + file + " in the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** A usage error found after parsing, to throw: exit status 2 and a pointer to the help. */
  ParameterException usage(String message) {
    return UsageErrors.usage(spec.commandLine(), message);
  }
}
