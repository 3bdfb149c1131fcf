package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.image.RegistryPattern;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.error.Mark;

/**
 * The errors, and {@linkplain Rules#warnings() warnings}, found while a file is read with {@link
 * YamlMapping}: all reported at once.
 */
public final class RulesErrors {

  /**
   * The host labels of one file's registry patterns, in all: each is matched by a {@link
   * dev.pullsecret.webhook.glob.Glob} of a kilobyte, so a file under the size limit could hold
   * 200,000 (200 MiB, past the image's heap). Real rules list a few dozen patterns.
   */
  static final int MAX_REGISTRY_LABELS = 4_000;

  /** Errors listed at most; the others are counted (a file that has more is fixed bit by bit). */
  static final int MAX_LISTED = 100;

  private final List<RulesError> errors = new ArrayList<>();
  private final List<RulesError> warnings = new ArrayList<>();
  private int registryLabels;
  private int count;
  private int warningCount;

  public void add(String path, Mark mark, String message) {
    if (count++ < MAX_LISTED) {
      errors.add(located(path, mark, message));
    }
  }

  public void add(YamlValue value, String message) {
    add(value.path(), value.mark(), message);
  }

  /** Whether {@code problem} is null; when not, it is reported at {@code value}. */
  public boolean check(YamlValue value, String problem) {
    if (problem != null) {
      add(value, problem);
    }
    return problem == null;
  }

  /**
   * {@code value} read by {@code parse}, or empty with the message of its {@link
   * IllegalArgumentException} reported at {@code value}: the parsers of names and patterns say what
   * is wrong in it.
   */
  public <T> Optional<T> parse(YamlValue value, Function<String, T> parse) {
    try {
      return Optional.of(parse.apply(value.text()));
    } catch (IllegalArgumentException e) {
      add(value, e.getMessage());
      return Optional.empty();
    }
  }

  /** {@code value} read as a registry pattern; past {@link #MAX_REGISTRY_LABELS}, refused. */
  public Optional<RegistryPattern> registryPattern(YamlValue value) {
    Optional<RegistryPattern> pattern = parse(value, RegistryPattern::parse);
    int before = registryLabels;
    registryLabels += pattern.map(RegistryPattern::hostLabels).orElse(0);
    if (registryLabels <= MAX_REGISTRY_LABELS) {
      return pattern;
    }
    if (before <= MAX_REGISTRY_LABELS) {
      add(
          value,
          "more than %d host labels in the registry patterns of the file; list fewer, broader ones"
              .formatted(MAX_REGISTRY_LABELS));
    }
    return Optional.empty();
  }

  /**
   * The text of {@code value} when it is one of {@code allowed}; otherwise empty, with {@code
   * 'text' notAllowed} reported.
   */
  public Optional<String> oneOf(Optional<YamlValue> value, Set<String> allowed, String notAllowed) {
    if (value.isPresent() && !allowed.contains(value.get().text())) {
      add(value.get(), "'" + value.get().text() + "' " + notAllowed);
      return Optional.empty();
    }
    return value.map(YamlValue::text);
  }

  /** Something that loads but cannot do what it says: see {@link Rules#warnings()}. */
  void warn(YamlValue value, String message) {
    if (warningCount++ < MAX_LISTED) {
      warnings.add(located(value.path(), value.mark(), message));
    }
  }

  /** How many so far: a reader compares before and after a part to know if the part was valid. */
  public int count() {
    return count;
  }

  /** Whether an error added now would be listed (what it says is worth working out). */
  public boolean listing() {
    return count < MAX_LISTED;
  }

  /** The errors listed, by line, then how many more were found when there were. */
  public List<RulesError> sorted() {
    return listed(errors, count, "errors");
  }

  List<RulesError> warnings() {
    return listed(warnings, warningCount, "warnings");
  }

  /** {@code list} by line, then how many more of {@code all} were found when there were. */
  private static List<RulesError> listed(List<RulesError> list, int all, String what) {
    if (all <= MAX_LISTED) {
      return sorted(list);
    }
    var listed = new ArrayList<>(sorted(list));
    listed.add(
        new RulesError(
            "",
            0,
            0,
            "%d more %s (the first %d found are listed)"
                .formatted(all - MAX_LISTED, what, MAX_LISTED)));
    return List.copyOf(listed);
  }

  private static RulesError located(String path, Mark mark, String message) {
    int line = mark == null ? 0 : mark.getLine() + 1;
    int column = mark == null ? 0 : mark.getColumn() + 1;
    return new RulesError(path, line, column, message);
  }

  private static List<RulesError> sorted(List<RulesError> list) {
    return list.stream()
        .sorted(Comparator.comparingInt(RulesError::line).thenComparingInt(RulesError::column))
        .toList();
  }
}
