package dev.pullsecret.webhook.rules;

/**
 * The limits on the namespace patterns of one rules file. A namespace no review has shown yet is
 * matched against every pattern ({@link Rules#forNamespace}), so these bound what such a miss can
 * cost, whoever sends the namespace: with the linear-time glob, the worst accepted file costs well
 * under a millisecond per miss (docs/failure-semantics.md). Real rules list a few dozen.
 */
final class PatternLimits {

  /** Namespaces and globs, in {@code namespaces} and {@code excludeNamespaces} of all rules. */
  static final int MAX_PATTERNS = 10_000;

  /** Globs among them: an exact name costs one comparison, a glob a pass over the namespace. */
  static final int MAX_GLOBS = 1_000;

  private int patterns;
  private int globs;

  /** Counts {@code pattern}: the error to report at it if it is the first past a limit, or null. */
  String count(NamespacePattern pattern) {
    patterns++;
    if (!pattern.isExact()) {
      globs++;
      if (globs == MAX_GLOBS + 1) {
        return "more than " + MAX_GLOBS + " namespace globs in the rules; list fewer, broader ones";
      }
    }
    if (patterns == MAX_PATTERNS + 1) {
      return "more than " + MAX_PATTERNS + " namespaces and globs in the rules";
    }
    return null;
  }
}
