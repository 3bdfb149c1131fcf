package dev.pullsecret.webhook.patch;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JsonPointer;

/**
 * One RFC 6902 JSON Patch operation. Mutators build explicit operations rather than diffing whole
 * objects, which would yield spurious operations for fields they never touched.
 *
 * @param value a JSON-serialisable value: a String, a Map, a List of those, or null for removals
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PatchOperation(String op, String path, Object value) {

  /** {@code add}: sets a member (replacing it if present) or inserts into an array ({@code /-}). */
  public static PatchOperation add(JsonPointer path, Object value) {
    return new PatchOperation("add", path.toString(), value);
  }

  /**
   * A pointer from unescaped segments; '/' and '~' in segments are escaped as RFC 6901 says. Built
   * as one string and parsed once: appending segment by segment copies the path each time, which a
   * pod with thousands of containers pays thousands of times.
   */
  public static JsonPointer pointer(String... segments) {
    var path = new StringBuilder(64);
    for (String segment : segments) {
      path.append('/');
      for (int i = 0; i < segment.length(); i++) {
        char c = segment.charAt(i);
        switch (c) {
          case '~' -> path.append("~0");
          case '/' -> path.append("~1");
          default -> path.append(c);
        }
      }
    }
    return JsonPointer.compile(path.toString());
  }
}
