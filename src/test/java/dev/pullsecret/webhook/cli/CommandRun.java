package dev.pullsecret.webhook.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One in-process run of a command, parsed as the jar parses it, with what it printed. */
record CommandRun(int exitCode, String out, String err) {

  /** Runs one command object, e.g. {@code new ValidateCommand()}, on {@code args}. */
  static CommandRun of(Object command, String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int code =
        RootCommand.configure(
                command,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .execute(args);
    return new CommandRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Runs the jar's command line: {@code args[0]} names the command. */
  static CommandRun jar(String... args) {
    return of(new RootCommand(), args);
  }

  static CommandRun preview(String stdin, String... args) {
    var preview = new PreviewCommand();
    preview.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    return of(preview, args);
  }
}
