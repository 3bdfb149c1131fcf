package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.mutation.Change;
import dev.pullsecret.webhook.mutation.Explanation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The warnings of one answer, as {@code kubectl} shows them: the API server truncates a warning
 * over 256 characters and drops warnings past 4,096 characters in all (Kubernetes' admission
 * webhook documentation), and a pod may have thousands of containers. So each kind of warning shows
 * its first few items and a count of the rest, each warning is cut at the API server's bound, and
 * the whole list stays within its budget: an answer never grows with a hostile pod. The budget is
 * half the API server's: its 4,096 are for the whole request, which other admission plugins share
 * (PodSecurity's warnings come after this webhook's, and were cut to 256 characters or dropped).
 */
final class Warnings {

  static final int SHOWN_PER_KIND = 3;
  static final int MAX_WARNING_CHARS = 256;
  static final int MAX_TOTAL_CHARS = 2048;

  private final List<String> warnings = new ArrayList<>();
  private int totalChars;
  private int dropped;

  /**
   * Problems found in the pod (e.g. images not parsed), then the changes, by kind, after {@code
   * prefix}.
   */
  static List<String> of(List<String> problems, List<Change> changes, String prefix) {
    return of(List.of(), problems, changes, prefix);
  }

  /**
   * {@code first} (each shown, not grouped: what matters most, such as pull secrets missing), then
   * as {@link #of(List, List, String)}, all within the one budget: a warning put before the list
   * outside it took the answer past what the API server keeps, which then dropped the rest, the
   * closing count included.
   */
  static List<String> of(
      List<String> first, List<String> problems, List<Change> changes, String prefix) {
    var out = new Warnings();
    first.forEach(out::add);
    out.addGroup(problems, "warnings like these");
    Map<String, List<String>> byKind = new LinkedHashMap<>();
    for (Change change : changes) {
      byKind.computeIfAbsent(noun(change), k -> new ArrayList<>()).add(prefix + change.describe());
    }
    byKind.forEach((noun, described) -> out.addGroup(described, noun));
    if (out.dropped > 0) {
      out.warnings.add(
          out.dropped + " more warnings not shown (this webhook keeps its warnings within 2 KiB)");
    }
    return out.warnings;
  }

  private void addGroup(List<String> items, String noun) {
    items.stream().limit(SHOWN_PER_KIND).forEach(this::add);
    if (items.size() > SHOWN_PER_KIND) {
      add("…and " + (items.size() - SHOWN_PER_KIND) + " more " + noun);
    }
  }

  private void add(String warning) {
    String bounded = cut(warning, MAX_WARNING_CHARS - AdmissionDecision.WARNING_PREFIX.length());
    int shown = bounded.length() + AdmissionDecision.WARNING_PREFIX.length();
    // Keep room for the closing count, prefixed as shown, so it is never the one dropped.
    if (totalChars + shown > MAX_TOTAL_CHARS - ROOM_FOR_COUNT) {
      dropped++;
      return;
    }
    warnings.add(bounded);
    totalChars += shown;
  }

  /** The closing count as shown: the prefix, then up to 90 characters. */
  private static final int ROOM_FOR_COUNT = 110;

  /** {@code text} cut at {@code max} characters, with an ellipsis. */
  static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = max - 1;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never split a character in two
    }
    return text.substring(0, end) + "…";
  }

  private static String noun(Change change) {
    return switch (change) {
      case Change.ImageRewritten r ->
          "image rewrites (see the pod's " + Explanation.ANNOTATION + " annotation)";
      case Change.PullPolicySet p -> "pull policy changes";
      case Change.SecretInjected s -> "added pull secrets";
    };
  }
}
