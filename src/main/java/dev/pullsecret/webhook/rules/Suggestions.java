package dev.pullsecret.webhook.rules;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" hints for misspelt field and secret names. */
public final class Suggestions {

  private Suggestions() {}

  /** The candidate closest to {@code word}, if it is close enough to be a likely typo. */
  public static Optional<String> closest(String word, Collection<String> candidates) {
    int allowed = Math.max(1, Math.min(3, word.length() / 3));
    String best = null;
    int bestDistance = allowed + 1;
    for (String candidate : candidates) {
      int distance = distance(word.toLowerCase(), candidate.toLowerCase(), allowed);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  public static String hint(String word, Collection<String> candidates) {
    return closest(word, candidates).map(c -> "; did you mean '" + c + "'?").orElse("");
  }

  /**
   * Levenshtein distance when at most {@code limit}, else {@code limit + 1}: only the cells within
   * {@code limit} of the diagonal are computed (a path that leaves them costs more), so a pair
   * costs its length times {@code 2 * limit + 1}, not the product of the lengths. Before, every
   * cell was: a rules file of 3,500 declared names of 250 characters and 100 near misses took 73 s
   * of CPU to refuse.
   */
  static int distance(String a, String b, int limit) {
    int over = limit + 1;
    if (Math.abs(a.length() - b.length()) > limit) {
      return over;
    }
    int[] previous = new int[b.length() + 1]; // distances from a's shorter prefix
    int[] row = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = Math.min(j, over);
    }
    for (int i = 1; i <= a.length(); i++) {
      int from = Math.max(1, i - limit);
      int to = Math.min(b.length(), i + limit);
      row[from - 1] = from == 1 ? Math.min(i, over) : over;
      int best = row[from - 1];
      for (int j = from; j <= to; j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        row[j] = Math.min(over, Math.min(substitution, Math.min(previous[j], row[j - 1]) + 1));
        best = Math.min(best, row[j]);
      }
      if (to < b.length()) {
        row[to + 1] = over; // outside the band: the next row must not read a stale cell
      }
      if (best > limit) {
        return over;
      }
      int[] swap = previous;
      previous = row;
      row = swap;
    }
    return previous[b.length()];
  }
}
