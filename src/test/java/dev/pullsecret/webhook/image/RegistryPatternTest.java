package dev.pullsecret.webhook.image;

import static dev.pullsecret.webhook.image.SyntaxAssertions.assertRejected;
import static dev.pullsecret.webhook.image.SyntaxAssertions.assertRejectsNullAsEmpty;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryPatternTest {

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvFileSource(resources = "/image/pattern-matches.csv", quoteCharacter = '\'')
  void patternMatchesImagesOfItsRegistryAndPath(String pattern, String image, boolean expected) {
    RegistryPattern registryPattern = RegistryPattern.parse(pattern);
    ImageReference reference = ImageReference.parse(image);

    boolean matches = registryPattern.matches(reference);

    assertThat(matches).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvFileSource(resources = "/image/invalid-patterns.csv", quoteCharacter = '\'')
  void invalidPatternIsRejectedWithAMessageSayingWhy(String pattern, String error) {
    assertRejected("registry pattern", pattern, () -> RegistryPattern.parse(pattern), error);
  }

  @Test
  void messageQuotesThePatternAndGivesTheReason() {
    assertThatThrownBy(() -> RegistryPattern.parse("https://gcr.io"))
        .hasMessage("invalid registry pattern \"https://gcr.io\": must not include a scheme");
  }

  @Test
  void nullIsRejectedAsEmpty() {
    assertRejectsNullAsEmpty(
        () -> RegistryPattern.parse(null), "invalid registry pattern null: pattern is empty");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"*.pkg.dev", "Registry.Corp:5000/team", "[::1]:5000", "docker.io"})
  void toStringIsThePatternAsWritten(String pattern) {
    assertThat(RegistryPattern.parse(pattern)).hasToString(pattern);
  }

  /** As for image references: a long path is refused before its segments are matched. */
  @Test
  void aHugePathIsRefusedWithoutOverflowingTheStack() {
    String pattern = "gcr.io/a" + ".a".repeat(500_000);

    assertThatThrownBy(() -> RegistryPattern.parse(pattern))
        .hasMessageContaining("path must not be more than 255 characters");
  }

  @Test
  void patternsAreEqualWhenWrittenAlike() {
    assertThat(RegistryPattern.parse("gcr.io/project"))
        .isEqualTo(RegistryPattern.parse("gcr.io/project"))
        .hasSameHashCodeAs(RegistryPattern.parse("gcr.io/project"))
        .isNotEqualTo(RegistryPattern.parse("gcr.io"));
  }

  @Test
  void loneGlobDoesNotMatchEveryImage() {
    assertThat(matching("*", "localhost/app", "nginx", "gcr.io/project/app", "localhost:5000/app"))
        .containsExactly("localhost/app");
  }

  @Test
  void globIsTriedAtEveryPositionWithinTheLabel() {
    assertThat(
            matching(
                "a*b*c.example.com",
                "abxbxc.example.com/app",
                "abc.example.com/app",
                "abxbxcx.example.com/app",
                "acb.example.com/app"))
        .containsExactly("abxbxc.example.com/app", "abc.example.com/app");
  }

  /** Those of {@code images} that {@code pattern} matches, in order. */
  private static List<String> matching(String pattern, String... images) {
    RegistryPattern parsed = RegistryPattern.parse(pattern);
    return Stream.of(images).filter(image -> parsed.matches(ImageReference.parse(image))).toList();
  }
}
