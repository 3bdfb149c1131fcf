package dev.pullsecret.webhook.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;

/** Collects errors while a rules file is read, so that all of them are reported at once. */
final class RulesErrors {

  private final List<RulesError> errors = new ArrayList<>();

  void add(String path, Mark mark, String message) {
    int line = mark == null ? 0 : mark.getLine() + 1;
    int column = mark == null ? 0 : mark.getColumn() + 1;
    errors.add(new RulesError(path, line, column, message));
  }

  void add(YamlValue value, String message) {
    add(value.path(), value.mark(), message);
  }

  boolean isEmpty() {
    return errors.isEmpty();
  }

  /** How many so far: a reader compares before and after a part to know if the part was valid. */
  int count() {
    return errors.size();
  }

  List<RulesError> sorted() {
    return errors.stream()
        .sorted(Comparator.comparingInt(RulesError::line).thenComparingInt(RulesError::column))
        .toList();
  }
}
