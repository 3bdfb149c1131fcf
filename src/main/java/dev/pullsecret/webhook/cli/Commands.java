package dev.pullsecret.webhook.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

/** The command-line modes of the jar, chosen by the first argument. */
public final class Commands {

  private static final List<Command> ALL = List.of(new CertsCommand());

  private Commands() {}

  public static List<Command> all() {
    return ALL;
  }

  /**
   * The command named by {@code args[0]}, bound to the remaining arguments and the process streams.
   */
  public static Optional<IntSupplier> find(String[] args) {
    if (args.length == 0) {
      return Optional.empty();
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    return ALL.stream()
        .filter(c -> c.name().equals(args[0]))
        .findFirst()
        .map(c -> () -> c.run(rest, System.out, System.err));
  }
}
