package dev.pullsecret.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * An Event's name is the regarded object's and a suffix, a valid name whatever the object's: a pod
 * named with 253 characters got no Event at all before (the API server refused its name of 270:
 * "must be no more than 253 characters").
 */
class SyncEventsTest {

  private static final String SUBDOMAIN =
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

  @Test
  void namesAnEventOnAnObjectWithTheLongestNameWithinTheLimit() {
    String longest = "w".repeat(236) + "-" + "x".repeat(16);

    String name = SyncEvents.name(longest);

    assertThat(name).hasSizeLessThanOrEqualTo(253).startsWith("w".repeat(236)).matches(SUBDOMAIN);
  }

  /**
   * The API server bounds a note by its bytes (UTF-8, 1024), not its characters: a note of 1,000
   * characters with auths keys or a plugin's error in another script was refused, the Event lost,
   * and, remembered as told, never tried again.
   */
  @Test
  void cutsANoteToWhatTheApiServerTakesInBytes() {
    String note = "auths key \"bücher.example\" ".repeat(20) + "日本語のエラー".repeat(100);

    String cut = SyncEvents.note(note);

    assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(1024);
    assertThat(cut).startsWith(note.substring(0, 300)).endsWith("...");
    assertThat(note.substring(0, cut.length() - 3)).isEqualTo(cut.substring(0, cut.length() - 3));
    assertThat(SyncEvents.note("x".repeat(1024))).isEqualTo("x".repeat(1024));
    assertThat(SyncEvents.note("😀".repeat(600)).getBytes(StandardCharsets.UTF_8))
        .hasSizeLessThanOrEqualTo(1024);
    assertThat(SyncEvents.note("😀".repeat(600))).doesNotContain("?");
  }

  @Test
  void namesAnEventOnAShortNameAfterIt() {
    assertThat(SyncEvents.name("web-1")).startsWith("web-1.").matches(SUBDOMAIN);
  }
}
