package dev.pullsecret.webhook.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;

/** The command-line modes of the jar, chosen by the first argument. */
public final class Commands {

  private static final List<Command> ALL =
      List.of(new ValidateCommand(), new PreviewCommand(), new CertsCommand(), new DoctorCommand());

  private static final Set<String> HELP = Set.of("help", "--help", "-h");

  private Commands() {}

  public static List<Command> all() {
    return ALL;
  }

  /**
   * The command named by {@code args[0]}, bound to the remaining arguments and the process streams;
   * {@code help} lists them. Empty when the server should start.
   */
  public static Optional<IntSupplier> find(String[] args) {
    if (args.length == 0) {
      return Optional.empty();
    }
    if (HELP.contains(args[0])) {
      return Optional.of(() -> usage(System.out));
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    return ALL.stream()
        .filter(c -> c.name().equals(args[0]))
        .findFirst()
        .map(c -> () -> c.run(rest, System.out, System.err));
  }

  static int usage(PrintStream out) {
    out.println("Usage: java -jar pullsecret-webhook.jar [COMMAND [OPTIONS]]");
    out.println();
    out.println("Without a command, starts the webhook server (Spring Boot properties apply).");
    out.println("Commands (COMMAND --help for details):");
    for (Command command : ALL) {
      out.printf("  %-10s %s%n", command.name(), command.summary());
    }
    return 0;
  }
}
