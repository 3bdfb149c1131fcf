package dev.pullsecret.webhook.patch;

/**
 * One RFC 6902 JSON Patch operation. Mutators build explicit operations rather than diffing whole
 * objects, which would yield spurious operations for fields they never touched.
 *
 * @param value a JSON-serialisable value: a String, a Map or a List of those
 */
public record PatchOperation(String op, String path, Object value) {

  /** {@code add}: sets a member (replacing it if present) or inserts into an array ({@code /-}). */
  public static PatchOperation add(String path, Object value) {
    return new PatchOperation("add", path, value);
  }

  /**
   * An RFC 6901 pointer from unescaped segments ('/' and '~' escaped), built as one string:
   * Jackson's {@code JsonPointer} copies the path at each segment appended, which a pod with
   * thousands of containers pays thousands of times.
   */
  public static String pointer(String... segments) {
    var path = new StringBuilder(64);
    for (String segment : segments) {
      path.append('/').append(segment.replace("~", "~0").replace("/", "~1"));
    }
    return path.toString();
  }
}
