package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.text.Text;
import java.util.List;
import java.util.function.Function;

/**
 * The changes of one kind, joined into one text (for annotations and summaries), bounded: a pod
 * with thousands of containers gets the first {@code maxItems} and a count of the rest, so no
 * annotation or answer grows with a hostile pod.
 */
public final class Changes {

  private Changes() {}

  /**
   * The texts of the changes of {@code type}, joined by {@code separator}, at most {@code maxItems}
   * of them followed by {@code …+N more}; empty when there is none.
   */
  public static <T extends Change> String joined(
      List<Change> changes,
      Class<T> type,
      Function<T, String> text,
      String separator,
      int maxItems) {
    List<T> ofType = changes.stream().filter(type::isInstance).map(type::cast).toList();
    return Text.joined(ofType, text, separator, maxItems);
  }
}
