package dev.pullsecret.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The memo of parsed images holds what real pods name, and nothing a review can make huge. */
class PodMutatorTest {

  private final PodMutator mutator = new PodMutator();

  @Test
  void anImageSeenAgainIsNotParsedAgain() {
    assertThat(mutator.parse("registry.corp:5000/team/web:2.14.1"))
        .isSameAs(mutator.parse("registry.corp:5000/team/web:2.14.1"));
  }

  /**
   * A review may hold one image of 3 MB: kept as the memo's key, a tenant's client sending 40 such
   * reviews, each with another image, ended the process with an OutOfMemoryError (160 MiB heap).
   * The longest valid images (over 600 characters) are not kept either.
   */
  @Test
  void imagesLongerThanAnyRealOneAreParsedEachTime() {
    String invalid = "X".repeat(3_000_000);
    String valid =
        "registry.corp/" + "a".repeat(255) + ":" + "t".repeat(128) + "@x1:" + "0".repeat(256);

    assertThat(mutator.parse(invalid)).isNotSameAs(mutator.parse(invalid));
    assertThat(mutator.parse(valid)).isNotSameAs(mutator.parse(valid));
    assertThat(mutator.parse(valid).reference()).isNotNull();
  }

  /**
   * A tenant's pods may name thousands of made-up images. Once the memo is full it starts again, as
   * the registry tokens do, so the images real pods name are kept again after such a flood: before,
   * a full memo stayed full of the flood's images and every later image was parsed on every review.
   */
  @Test
  void aMemoFullOfMadeUpImagesStartsAgainAndKeepsTheNextOnes() {
    for (int i = 0; i <= PodMutator.MAX_PARSED; i++) {
      mutator.parse("made-up/image-" + i);
    }

    assertThat(mutator.parse("registry.corp/team/web:1.0"))
        .isSameAs(mutator.parse("registry.corp/team/web:1.0"));
  }
}
