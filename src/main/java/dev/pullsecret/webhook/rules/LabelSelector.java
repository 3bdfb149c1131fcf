package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.text.Text;
import io.fabric8.kubernetes.client.utils.KubernetesResourceUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Kubernetes label selector over namespaces ({@code matchLabels} and {@code matchExpressions}),
 * compiled into requirements that must all hold. Empty, it matches every namespace, as the API
 * server's selectors do.
 *
 * <p>A rule's {@code namespaceSelector:} is {@linkplain #read read} as the API server validates a
 * {@code LabelSelector}: keys and values by its own rules (apimachinery's {@code
 * IsQualifiedName}/{@code IsValidLabelValue}), so that a selector the webhook accepts is one the
 * API server would accept, and no label value it compares can be longer than 63 characters; {@code
 * In}/{@code NotIn} with at least one value, {@code Exists}/{@code DoesNotExist} with none.
 */
public record LabelSelector(List<Requirement> requirements) {

  /** Without cluster access no namespace's labels are known: a selector could never match. */
  static final String NO_LABELS =
      "namespaceSelector needs the namespaces' labels, which the webhook reads from the API server"
          + " only with cluster access (webhook.sync.enabled=true, the chart's default); without"
          + " it, choose namespaces by name";

  private static final Set<String> KEYS = Set.of("matchLabels", "matchExpressions");
  private static final Set<String> EXPRESSION_KEYS = Set.of("key", "operator", "values");

  /**
   * Far more than a real selector has; bounds what one namespace's match can cost, as {@link
   * RulesParser#MAX_PATTERNS} bounds the names.
   */
  static final int MAX_REQUIREMENTS = 32;

  static final int MAX_VALUES = 64;

  /** A label value, or a label key's name: 1 to 63 characters. */
  private static final Pattern NAME =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]");

  /** The four operators of a {@code LabelSelector} (metav1), named as the API spells them. */
  public enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist;

    boolean takesValues() {
      return this == In || this == NotIn;
    }
  }

  /** One requirement; {@code matchLabels: {k: v}} is {@code k In (v)}. */
  public record Requirement(String key, Operator operator, List<String> values) {

    /** Values sorted and distinct, as the API server keeps them: equal sets print equally. */
    public Requirement {
      values = values.stream().sorted().distinct().toList();
    }

    boolean matches(NamespaceLabels labels) {
      String value = labels.get(key);
      return switch (operator) {
        case In -> value != null && values.contains(value);
        case NotIn -> value == null || !values.contains(value);
        case Exists -> value != null;
        case DoesNotExist -> value == null;
      };
    }

    /**
     * As {@code kubectl get -l} writes it: {@code k=v}, {@code k in (a,b)}, {@code k}, {@code !k}.
     */
    @Override
    public String toString() {
      return switch (operator) {
        case In -> values.size() == 1 ? key + "=" + values.getFirst() : key + " in " + set();
        case NotIn -> values.size() == 1 ? key + "!=" + values.getFirst() : key + " notin " + set();
        case Exists -> key;
        case DoesNotExist -> "!" + key;
      };
    }

    private String set() {
      return "(" + String.join(",", values) + ")";
    }
  }

  /** Sorted as the API server sorts them, so that equal selectors print (and compare) equally. */
  public LabelSelector {
    requirements =
        requirements.stream()
            .sorted(Comparator.comparing(Requirement::key).thenComparing(Requirement::operator))
            .toList();
  }

  /** Whether {@code labels} satisfy every requirement; unknown labels satisfy none. */
  public boolean matches(NamespaceLabels labels) {
    return labels.known() && requirements.stream().allMatch(r -> r.matches(labels));
  }

  /**
   * The {@code namespaceSelector} of {@code rule}, or empty when it has none or it has errors
   * (reported): a half-read one matches too much.
   */
  static Optional<LabelSelector> read(YamlMapping rule, RulesErrors errors) {
    return rule.mapping("namespaceSelector", KEYS).flatMap(mapping -> selector(mapping, errors));
  }

  private static Optional<LabelSelector> selector(YamlMapping selector, RulesErrors errors) {
    int before = errors.count();
    List<Requirement> requirements = new ArrayList<>();
    for (Map.Entry<YamlValue, YamlValue> label : selector.stringMap("matchLabels")) {
      if (errors.check(label.getKey(), keyProblem(label.getKey().text()))
          && errors.check(label.getValue(), valueProblem(label.getValue().text()))) {
        requirements.add(
            new Requirement(label.getKey().text(), Operator.In, List.of(label.getValue().text())));
      }
    }
    for (YamlMapping expression : selector.mappingList("matchExpressions", EXPRESSION_KEYS)) {
      expression(expression, errors).ifPresent(requirements::add);
    }
    if (requirements.size() > MAX_REQUIREMENTS) {
      selector.error("more than " + MAX_REQUIREMENTS + " requirements in one selector");
    }
    return errors.count() == before
        ? Optional.of(new LabelSelector(requirements))
        : Optional.empty();
  }

  private static Optional<Requirement> expression(YamlMapping node, RulesErrors errors) {
    int before = errors.count();
    Optional<YamlValue> key =
        node.requiredString("key").filter(k -> errors.check(k, keyProblem(k.text())));
    Optional<Operator> operator =
        node.requiredString("operator").flatMap(value -> operator(value, errors));
    List<YamlValue> values = node.stringList("values");
    if (operator.isPresent() && operator.get().takesValues() == values.isEmpty()) {
      node.error(
          "values",
          operator.get().name()
              + (values.isEmpty()
                  ? " needs at least one value"
                  : " takes no values (it tests whether the label exists)"));
    }
    if (values.size() > MAX_VALUES) {
      node.error("values", "more than " + MAX_VALUES + " values");
    }
    values.forEach(value -> errors.check(value, valueProblem(value.text())));
    return errors.count() == before && key.isPresent() && operator.isPresent()
        ? Optional.of(
            new Requirement(
                key.get().text(), operator.get(), values.stream().map(YamlValue::text).toList()))
        : Optional.empty();
  }

  private static Optional<Operator> operator(YamlValue value, RulesErrors errors) {
    List<String> spellings = Arrays.stream(Operator.values()).map(Operator::name).toList();
    if (spellings.contains(value.text())) {
      return Optional.of(Operator.valueOf(value.text()));
    }
    errors.add(
        value,
        Text.quote(value.text())
            + " is not an operator: use "
            + String.join(", ", spellings)
            + Suggestions.hint(value.text(), spellings));
    return Optional.empty();
  }

  /** Why {@code key} is not a valid label key, or null when it is. */
  public static String keyProblem(String key) {
    int slash = key.indexOf('/');
    if (slash >= 0 && !KubernetesResourceUtil.isValidSubdomainName(key.substring(0, slash))) {
      return Text.quote(key)
          + " is not a valid label key: its prefix must be a DNS subdomain (lower-case letters,"
          + " digits, '-' and '.', at most 253 characters)";
    }
    if (!NAME.matcher(key.substring(slash + 1)).matches()) {
      return Text.quote(key)
          + " is not a valid label key: the name"
          + (slash >= 0 ? " after '/'" : "")
          + " must be 1 to 63 letters, digits, '-', '_' or '.', beginning and ending with a letter"
          + " or digit";
    }
    return null;
  }

  /** Why {@code value} is not a valid label value, or null when it is (empty is valid). */
  public static String valueProblem(String value) {
    return value.isEmpty() || NAME.matcher(value).matches()
        ? null
        : Text.quote(value)
            + " is not a valid label value: at most 63 letters, digits, '-', '_' or '.', beginning"
            + " and ending with a letter or digit";
  }

  /** The selector as {@code kubectl get -l} takes it; {@code {}} for the empty selector. */
  @Override
  public String toString() {
    return requirements.isEmpty()
        ? "{}"
        : requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }
}
