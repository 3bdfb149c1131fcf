package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.patch.PatchOperation;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;

/** A readable before/after of the fields a patch changes, e.g. {@code spec.containers[0].image}. */
final class PatchDiff {

  private PatchDiff() {}

  static List<String> lines(List<PatchOperation> patch, JsonNode before, JsonNode after) {
    Set<String> fields = new LinkedHashSet<>();
    for (PatchOperation operation : patch) {
      String path = operation.path();
      // "/-" appends to an array: show the array as a whole.
      fields.add(path.endsWith("/-") ? path.substring(0, path.length() - 2) : path);
    }
    return fields.stream()
        .map(
            field -> {
              JsonPointer pointer = JsonPointer.compile(field);
              return "  "
                  + readable(pointer)
                  + ": "
                  + value(before.at(pointer))
                  + " -> "
                  + value(after.at(pointer));
            })
        .toList();
  }

  private static String value(JsonNode node) {
    if (node.isMissingNode()) {
      return "(absent)";
    }
    return node.isString() ? node.asString() : node.toString();
  }

  /** {@code /spec/containers/0/image} as {@code spec.containers[0].image}. */
  private static String readable(JsonPointer pointer) {
    var text = new StringBuilder();
    for (JsonPointer p = pointer; !p.matches(); p = p.tail()) {
      if (p.mayMatchElement()) {
        text.append('[').append(p.getMatchingIndex()).append(']');
      } else {
        text.append(text.isEmpty() ? "" : ".").append(p.getMatchingProperty());
      }
    }
    return text.toString();
  }
}
