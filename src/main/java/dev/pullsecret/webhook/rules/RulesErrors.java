package dev.pullsecret.webhook.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;

/**
 * Collects errors while a rules file (or another configuration file read with {@link YamlMapping})
 * is read, so that all of them are reported at once.
 */
public final class RulesErrors {

  private final List<RulesError> errors = new ArrayList<>();

  public void add(String path, Mark mark, String message) {
    int line = mark == null ? 0 : mark.getLine() + 1;
    int column = mark == null ? 0 : mark.getColumn() + 1;
    errors.add(new RulesError(path, line, column, message));
  }

  public void add(YamlValue value, String message) {
    add(value.path(), value.mark(), message);
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  /** How many so far: a reader compares before and after a part to know if the part was valid. */
  public int count() {
    return errors.size();
  }

  public List<RulesError> sorted() {
    return errors.stream()
        .sorted(Comparator.comparingInt(RulesError::line).thenComparingInt(RulesError::column))
        .toList();
  }
}
