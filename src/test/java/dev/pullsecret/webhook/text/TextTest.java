package dev.pullsecret.webhook.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TextTest {

  @Test
  void joinedShowsTheFirstItemsAndCountsTheRest() {
    assertThat(Text.joined(List.of("a", "b", "c", "d"), s -> s, ", ", 2))
        .isEqualTo("a, b, …+2 more");
    assertThat(Text.joined(List.of("a", "b"), s -> s, ", ", 2)).isEqualTo("a, b");
    assertThat(Text.joined(List.<String>of(), s -> s, ", ", 2)).isEmpty();
  }

  @Test
  void joinedTurnsOnlyTheShownItemsIntoText() {
    var described = new AtomicInteger();

    Text.joined(List.of(1, 2, 3, 4, 5), i -> "#" + described.incrementAndGet(), "; ", 3);

    assertThat(described).hasValue(3);
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String emoji = "\uD83D\uDE00";
    String name = "x".repeat(Text.MAX_QUOTED_CHARS - 1) + emoji;

    assertThat(Text.quote(name))
        .isEqualTo("\"" + "x".repeat(Text.MAX_QUOTED_CHARS - 1) + "...\" (129 characters)");
    assertThat(Text.line("ab" + emoji, 3)).isEqualTo("ab...");
    assertThat(Text.line("a" + emoji, 3)).isEqualTo("a" + emoji);
  }
}
