package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.files.BoundedFiles;
import dev.pullsecret.webhook.rules.InvalidRulesException;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesError;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.rules.RulesStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every command of the jar has: {@code -h/--help} printing its hand-written manual page, the
 * streams picocli was given, usage errors in the one-line form of {@link RootCommand}, and rules
 * read as the server reads them. A command returns its exit status: 0 on success, 1 when the work
 * failed, 2 (by a usage error) when the command line is wrong.
 */
abstract class CliCommand implements Callable<Integer> {

  @Option(
      names = {"-h", "--help"},
      usageHelp = true)
  boolean help;

  CommandSpec spec;

  /**
   * {@code --help} and {@code help COMMAND} print the manual page as it is: NAME, SYNOPSIS,
   * DESCRIPTION, OPTIONS, EXIT STATUS, EXAMPLES, SEE ALSO, lines under 80 columns, kept as text in
   * {@code COMMAND.txt} beside this class.
   */
  @Spec
  void spec(CommandSpec spec) {
    this.spec = spec;
    spec.usageMessage().sectionKeys(List.of("page")).sectionMap().put("page", help -> manPage());
  }

  /** What the chart's webhook leaves out by default, whatever the rules say. */
  static final NamespaceScope SCOPE =
      NamespaceScope.deployed(
          Set.of(), NamespaceScope.optOutLabel("pullsecret.dev/inject=disabled"));

  /**
   * How the work of the commands that read rules and user files fails, exiting with {@code
   * failure}: refused rules with every error located, anything else in one line (its stack trace
   * with {@code --debug}).
   */
  static final class Failures {

    @Option(names = "--debug")
    boolean debug;

    int run(PrintWriter err, String message, int failure, IntSupplier work) {
      try {
        return work.getAsInt();
      } catch (InvalidRulesException e) {
        int count = e.errors().size();
        err.println(e.source() + ": invalid, " + count + (count == 1 ? " error:" : " errors:"));
        for (RulesError error : e.errors()) {
          err.println(error.format(e.source(), ""));
        }
        err.println(
            "hint: the webhook keeps serving its last good rules until this file is fixed;"
                + " see examples/rules.yaml for a commented example.");
      } catch (RuntimeException e) {
        err.println(message + e);
        if (debug) {
          e.printStackTrace(err);
        }
      }
      return failure;
    }
  }

  private String manPage() {
    String file = spec.name() + ".txt";
    try (InputStream in = CliCommand.class.getResourceAsStream(file)) {
      return new String(
          Objects.requireNonNull(in, "no manual page " + file + " in the jar").readAllBytes(),
          StandardCharsets.UTF_8);
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
    return new ParameterException(spec.commandLine(), message);
  }

  /** A rules file read and parsed as the server reads it; its warnings go to standard error. */
  LoadedRules readRules(Path file) {
    byte[] content = RulesParser.read(file);
    Rules rules = RulesParser.parse(content, file.toString(), true);
    for (RulesError warning : rules.warnings()) { // FILE:LINE:COLUMN: FIELD: warning: MESSAGE
      err().println(warning.format(file.toString(), "warning: "));
    }
    return new LoadedRules(rules, 1, RulesStore.digest(content), Instant.now(), file.toString());
  }

  /** A file a Secret would hold (a certificate, a docker config): bounded as a Secret, 1 MiB. */
  static byte[] readSecretFile(Path file, String named) {
    try {
      return BoundedFiles.read(file, BoundedFiles.PEM_LIMIT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + named, e);
    }
  }
}
