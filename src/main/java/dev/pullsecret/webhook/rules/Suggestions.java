package dev.pullsecret.webhook.rules;

import java.util.Collection;
import java.util.Optional;
import java.util.stream.IntStream;

/** "Did you mean" hints for misspelt field and secret names. */
public final class Suggestions {

  private Suggestions() {}

  /** The candidate closest to {@code word}, if it is close enough to be a likely typo. */
  public static Optional<String> closest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = distance(word.toLowerCase(), candidate.toLowerCase());
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    int allowed = Math.max(1, Math.min(3, word.length() / 3));
    return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  public static String hint(String word, Collection<String> candidates) {
    return closest(word, candidates).map(c -> "; did you mean '" + c + "'?").orElse("");
  }

  /** Levenshtein distance; inputs are short names, so the quadratic table is fine. */
  private static int distance(String a, String b) {
    int[] row = IntStream.rangeClosed(0, b.length()).toArray(); // distances from a's prefix
    for (int i = 1; i <= a.length(); i++) {
      int diagonal = row[0]; // the distance of the shorter prefixes of a and b
      row[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        diagonal = row[j];
        row[j] = Math.min(substitution, Math.min(row[j], row[j - 1]) + 1);
      }
    }
    return row[b.length()];
  }
}
