package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.rules.LabelSelector.Operator;
import dev.pullsecret.webhook.rules.LabelSelector.Requirement;
import dev.pullsecret.webhook.text.Text;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates a rule's {@code namespaceSelector:} as the API server validates a {@code
 * LabelSelector}: keys and values by their syntax, {@code In}/{@code NotIn} with at least one
 * value, {@code Exists}/{@code DoesNotExist} with none.
 */
final class LabelSelectorReader {

  static final Set<String> KEYS = Set.of("matchLabels", "matchExpressions");
  private static final Set<String> EXPRESSION_KEYS = Set.of("key", "operator", "values");

  /**
   * Far more than a real selector has; bounds what one namespace's match can cost, as {@link
   * RuleReader#MAX_PATTERNS} bounds the names.
   */
  static final int MAX_REQUIREMENTS = 32;

  static final int MAX_VALUES = 64;

  private final RulesErrors errors;

  LabelSelectorReader(RulesErrors errors) {
    this.errors = errors;
  }

  /**
   * The selector, or empty when it has errors (reported): a half-read selector matches too much.
   */
  Optional<LabelSelector> read(YamlMapping selector) {
    int before = errors.count();
    List<Requirement> requirements = new ArrayList<>();
    for (Map.Entry<YamlValue, YamlValue> label : selector.stringMap("matchLabels")) {
      if (validKey(label.getKey()) && validValue(label.getValue())) {
        requirements.add(
            new Requirement(label.getKey().text(), Operator.IN, List.of(label.getValue().text())));
      }
    }
    for (YamlMapping expression : selector.mappingList("matchExpressions", EXPRESSION_KEYS)) {
      expression(expression).ifPresent(requirements::add);
    }
    if (requirements.size() > MAX_REQUIREMENTS) {
      errors.add(
          selector.path(),
          selector.mark(),
          "more than " + MAX_REQUIREMENTS + " requirements in one selector");
    }
    return errors.count() == before
        ? Optional.of(new LabelSelector(requirements))
        : Optional.empty();
  }

  private Optional<Requirement> expression(YamlMapping node) {
    Optional<YamlValue> key = node.requiredString("key").filter(this::validKey);
    Optional<Operator> operator = node.requiredString("operator").flatMap(this::operator);
    List<YamlValue> values = node.stringList("values");
    boolean valid = key.isPresent() && operator.isPresent();
    if (operator.isPresent()) {
      if (operator.get().takesValues() && values.isEmpty()) {
        errors.add(
            node.child("values"),
            node.mark(),
            operator.get().spelling + " needs at least one value");
        valid = false;
      } else if (!operator.get().takesValues() && node.has("values") && !values.isEmpty()) {
        errors.add(
            node.child("values"),
            node.mark(),
            operator.get().spelling + " takes no values (it tests whether the label exists)");
        valid = false;
      }
    }
    if (values.size() > MAX_VALUES) {
      errors.add(node.child("values"), node.mark(), "more than " + MAX_VALUES + " values");
      valid = false;
    }
    for (YamlValue value : values) {
      valid &= validValue(value);
    }
    return valid
        ? Optional.of(
            new Requirement(
                key.get().text(), operator.get(), values.stream().map(YamlValue::text).toList()))
        : Optional.empty();
  }

  private Optional<Operator> operator(YamlValue value) {
    for (Operator operator : Operator.values()) {
      if (operator.spelling.equals(value.text())) {
        return Optional.of(operator);
      }
    }
    List<String> spellings = Arrays.stream(Operator.values()).map(o -> o.spelling).toList();
    errors.add(
        value,
        Text.quote(value.text())
            + " is not an operator: use "
            + String.join(", ", spellings)
            + Suggestions.hint(value.text(), spellings));
    return Optional.empty();
  }

  private boolean validKey(YamlValue key) {
    return valid(key, LabelSelector.keyProblem(key.text()));
  }

  private boolean validValue(YamlValue value) {
    return valid(value, LabelSelector.valueProblem(value.text()));
  }

  private boolean valid(YamlValue value, String problem) {
    if (problem != null) {
      errors.add(value, problem);
    }
    return problem == null;
  }
}
