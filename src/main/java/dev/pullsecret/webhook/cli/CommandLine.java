package dev.pullsecret.webhook.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed command line: {@code --option VALUE} or {@code --option=VALUE}, flags, and positional
 * arguments ({@code -} alone is positional: standard input). Unknown options, missing values and
 * non-repeatable options given twice are usage errors.
 */
final class CommandLine {

  private final Map<String, List<String>> values = new HashMap<>();
  private final Set<String> flags = new HashSet<>();
  private final List<String> positionals = new ArrayList<>();

  private CommandLine() {}

  /**
   * @param valueOptions options that take a value, e.g. {@code --rules}
   * @param repeatable the value options that may be given more than once
   * @param flagOptions options without a value, e.g. {@code --force}
   */
  static CommandLine parse(
      List<String> args, Set<String> valueOptions, Set<String> repeatable, Set<String> flagOptions)
      throws UsageException {
    var line = new CommandLine();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-h")) {
        arg = "--help";
      }
      if (!arg.startsWith("--")) {
        line.positionals.add(arg);
        continue;
      }
      int eq = arg.indexOf('=');
      String option = eq < 0 ? arg : arg.substring(0, eq);
      String inline = eq < 0 ? null : arg.substring(eq + 1);
      if (option.equals("--help") || flagOptions.contains(option)) {
        if (inline != null) {
          throw new UsageException(option + " takes no value");
        }
        if (!line.flags.add(option)) {
          throw new UsageException(option + " given more than once");
        }
        continue;
      }
      if (!valueOptions.contains(option)) {
        throw new UsageException("unknown option '" + option + "'");
      }
      String value = inline;
      if (value == null) {
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
          throw new UsageException(option + " needs a value");
        }
        value = args.get(++i);
      }
      if (value.isEmpty()) {
        throw new UsageException(option + " needs a non-empty value");
      }
      List<String> given = line.values.computeIfAbsent(option, k -> new ArrayList<>());
      if (!given.isEmpty() && !repeatable.contains(option)) {
        throw new UsageException(option + " given more than once");
      }
      given.add(value);
    }
    return line;
  }

  boolean help() {
    return flags.contains("--help");
  }

  boolean flag(String option) {
    return flags.contains(option);
  }

  Optional<String> value(String option) {
    List<String> given = values.get(option);
    return given == null ? Optional.empty() : Optional.of(given.getFirst());
  }

  List<String> values(String option) {
    return values.getOrDefault(option, List.of());
  }

  List<String> positionals() {
    return positionals;
  }
}
