package dev.pullsecret.webhook.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML mapping of the rules file (or of another configuration file read the same way, such as the
 * credential providers' config), read field by field. Every type mismatch, unknown or duplicate key
 * and anchor is recorded in {@link RulesErrors} with its path and position, and the read goes on,
 * so one pass reports every problem.
 */
public final class YamlMapping {

  private static final Set<String> TRUE = Set.of("true", "yes", "on");
  private static final Set<String> FALSE = Set.of("false", "no", "off");

  private final String path;
  private final Mark mark;
  private final Map<String, Node> fields = new HashMap<>();
  private final RulesErrors errors;

  private YamlMapping(MappingNode node, String path, Set<String> allowedKeys, RulesErrors errors) {
    this.path = path;
    this.mark = node.getStartMark();
    this.errors = errors;
    for (NodeTuple tuple : node.getValue()) {
      readField(tuple, allowedKeys);
    }
  }

  /** Reads {@code node} as a mapping, or records an error and returns empty. */
  public static Optional<YamlMapping> of(
      Node node, String path, Set<String> allowedKeys, RulesErrors errors) {
    return as(node, path, MappingNode.class, "a mapping (key: value)", errors)
        .map(mapping -> new YamlMapping(mapping, path, allowedKeys, errors));
  }

  public String path() {
    return path;
  }

  public Mark mark() {
    return mark;
  }

  /** Reports {@code message} at this mapping. */
  public void error(String message) {
    errors.add(path, mark, message);
  }

  /** Reports {@code message} at {@code key} of this mapping, present or not. */
  public void error(String key, String message) {
    errors.add(child(key), mark, message);
  }

  public boolean has(String key) {
    return fields.containsKey(key);
  }

  /**
   * Reports {@code message} at {@code key} when it is an empty list or nothing ({@code key:}), and
   * also when it is absent if {@code required}.
   */
  public void refuseEmptyList(String key, boolean required, String message) {
    Node node = fields.get(key);
    boolean empty =
        node == null
            ? required
            : isNull(node)
                || node instanceof SequenceNode sequence && sequence.getValue().isEmpty();
    if (empty) {
      error(key, message);
    }
  }

  public Optional<YamlValue> string(String key) {
    Node node = fields.get(key);
    return node == null ? Optional.empty() : scalar(node, child(key));
  }

  public Optional<YamlValue> requiredString(String key) {
    if (!fields.containsKey(key)) {
      error("missing required field '" + key + "'");
      return Optional.empty();
    }
    return string(key);
  }

  /**
   * Whether {@code key} says {@code yes}; absent or {@code no} is false, any other word is reported
   * as {@code 'word' notAllowed}.
   */
  public boolean is(String key, String yes, String no, String notAllowed) {
    return errors.oneOf(string(key), Set.of(no, yes), notAllowed).filter(yes::equals).isPresent();
  }

  /** A boolean written as {@code true} or {@code false}; absent gives {@code defaultValue}. */
  public boolean bool(String key, boolean defaultValue) {
    Node node = fields.get(key);
    if (node == null) {
      return defaultValue;
    }
    // YAML 1.1 as kubectl reads it: yes, on are true (not false); !!bool maybe is refused too.
    String word = node instanceof ScalarNode s ? s.getValue().toLowerCase(Locale.ROOT) : "";
    if (node.getTag().equals(Tag.BOOL) && (TRUE.contains(word) || FALSE.contains(word))) {
      return TRUE.contains(word);
    }
    errors.add(child(key), node.getStartMark(), "expected true or false, found " + kind(node));
    return defaultValue;
  }

  /** A mapping of strings to strings (repository to tag), in file order; absent means empty. */
  public List<Map.Entry<YamlValue, YamlValue>> stringMap(String key) {
    List<Map.Entry<YamlValue, YamlValue>> entries = new ArrayList<>();
    Optional<MappingNode> mapping = field(key, MappingNode.class, "a mapping (key: value)");
    Set<String> seen = new HashSet<>();
    for (NodeTuple tuple : mapping.map(MappingNode::getValue).orElse(List.of())) {
      Optional<YamlValue> entryKey = scalar(tuple.getKeyNode(), child(key));
      if (entryKey.isEmpty()) {
        continue;
      }
      String at = child(key) + "[" + entryKey.get().text() + "]";
      if (!seen.add(entryKey.get().text())) {
        errors.add(
            at, tuple.getKeyNode().getStartMark(), "duplicate key '" + entryKey.get().text() + "'");
        continue;
      }
      var keyAtPath = new YamlValue(entryKey.get().text(), at, entryKey.get().mark());
      scalar(tuple.getValueNode(), at).ifPresent(value -> entries.add(Map.entry(keyAtPath, value)));
    }
    return entries;
  }

  /** A list of strings; absent means empty. */
  public List<YamlValue> stringList(String key) {
    return items(key, this::scalar);
  }

  /**
   * Each string of the list {@code key} that {@code read} accepts (it reports the others); an empty
   * list (or nothing) is reported with {@code ifEmpty}, an absent one if it is {@code required}.
   */
  public <T> List<T> list(
      String key, boolean required, String ifEmpty, Function<YamlValue, Optional<T>> read) {
    refuseEmptyList(key, required, ifEmpty);
    return items(key, (node, at) -> scalar(node, at).flatMap(read));
  }

  /** A list of mappings; absent means empty. */
  public List<YamlMapping> mappingList(String key, Set<String> allowedKeys) {
    return items(key, (node, at) -> of(node, at, allowedKeys, errors));
  }

  /**
   * Each item of the list {@code key} read by {@code read}, those it refuses left out; none when
   * the list is absent, nothing, or not a list.
   */
  private <T> List<T> items(String key, BiFunction<Node, String, Optional<T>> read) {
    List<Node> items =
        field(key, SequenceNode.class, "a list").map(SequenceNode::getValue).orElse(List.of());
    List<T> values = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      read.apply(items.get(i), child(key) + "[" + i + "]").ifPresent(values::add);
    }
    return values;
  }

  /** The node of {@code key} if a {@code type}; empty if absent, nothing, or (reported) not. */
  private <N extends Node> Optional<N> field(String key, Class<N> type, String expected) {
    Node node = fields.get(key);
    boolean absent = node == null || isNull(node) && node.getAnchor() == null;
    return absent ? Optional.empty() : as(node, child(key), type, expected, errors);
  }

  public Optional<YamlMapping> mapping(String key, Set<String> allowedKeys) {
    Node node = fields.get(key);
    return node == null ? Optional.empty() : of(node, child(key), allowedKeys, errors);
  }

  public String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private void readField(NodeTuple tuple, Set<String> allowedKeys) {
    Node keyNode = tuple.getKeyNode();
    if (!(keyNode instanceof ScalarNode scalarKey)) {
      errors.add(path, keyNode.getStartMark(), "keys must be plain strings");
      return;
    }
    String key = scalarKey.getValue();
    if (!allowedKeys.contains(key)) {
      String allowed = String.join(", ", new TreeSet<>(allowedKeys));
      String message = "unknown field '%s' (allowed: %s)".formatted(key, allowed);
      errors.add(child(key), keyNode.getStartMark(), message + Suggestions.hint(key, allowedKeys));
    } else if (fields.putIfAbsent(key, tuple.getValueNode()) != null) {
      errors.add(child(key), keyNode.getStartMark(), "duplicate key '" + key + "'");
    }
  }

  private Optional<YamlValue> scalar(Node node, String at) {
    return as(node, at, ScalarNode.class, "a string", errors)
        .map(scalar -> new YamlValue(scalar.getValue(), at, scalar.getStartMark()));
  }

  /**
   * {@code node} if a {@code type} and not nothing, else empty with the error reported. Anchors and
   * aliases have no use in a rules file and are how "billion laughs" documents blow up, so they are
   * refused outright rather than expanded.
   */
  private static <N extends Node> Optional<N> as(
      Node node, String at, Class<N> type, String expected, RulesErrors errors) {
    if (node.getAnchor() != null) {
      errors.add(at, node.getStartMark(), "anchors and aliases (&, *) are not supported in rules");
    } else if (type.isInstance(node) && !isNull(node)) {
      return Optional.of(type.cast(node));
    } else {
      errors.add(at, node.getStartMark(), "expected " + expected + ", found " + kind(node));
    }
    return Optional.empty();
  }

  private static boolean isNull(Node node) {
    return node.getTag().equals(Tag.NULL);
  }

  private static String kind(Node node) {
    return switch (node) {
      case Node n when isNull(n) -> "nothing (null)";
      case MappingNode m -> "a mapping";
      case SequenceNode s -> "a list";
      default -> "a scalar";
    };
  }
}
