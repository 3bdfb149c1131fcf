package dev.pullsecret.webhook.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One in-process run of a command, with what it printed. */
record CommandRun(int exitCode, String out, String err) {

  static CommandRun of(Command command, String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int code =
        command.run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CommandRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static CommandRun preview(String stdin, String... args) {
    var input = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    return of(new PreviewCommand(input), args);
  }
}
