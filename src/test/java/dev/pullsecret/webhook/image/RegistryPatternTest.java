package dev.pullsecret.webhook.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    assertThatThrownBy(() -> RegistryPattern.parse(pattern))
        .isInstanceOfSatisfying(
            InvalidImageSyntaxException.class, e -> assertThat(e.input()).isEqualTo(pattern))
        .hasMessageStartingWith("invalid registry pattern \"")
        .hasMessageContaining(error);
  }

  @Test
  void messageQuotesThePatternAndGivesTheReason() {
    assertThatThrownBy(() -> RegistryPattern.parse("https://gcr.io"))
        .hasMessage("invalid registry pattern \"https://gcr.io\": must not include a scheme");
  }

  @Test
  void nullIsRejectedAsEmpty() {
    assertThatThrownBy(() -> RegistryPattern.parse(null))
        .isInstanceOf(InvalidImageSyntaxException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid registry pattern null: pattern is empty");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"*.pkg.dev", "Registry.Corp:5000/team", "[::1]:5000", "docker.io"})
  void toStringIsThePatternAsWritten(String pattern) {
    assertThat(RegistryPattern.parse(pattern)).hasToString(pattern);
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
    RegistryPattern any = RegistryPattern.parse("*");

    assertThat(any.matches(ImageReference.parse("localhost/app"))).isTrue();
    assertThat(any.matches(ImageReference.parse("nginx"))).isFalse();
    assertThat(any.matches(ImageReference.parse("gcr.io/project/app"))).isFalse();
    assertThat(any.matches(ImageReference.parse("localhost:5000/app"))).isFalse();
  }

  @Test
  void globIsTriedAtEveryPositionWithinTheLabel() {
    RegistryPattern pattern = RegistryPattern.parse("a*b*c.example.com");

    assertThat(pattern.matches(ImageReference.parse("abxbxc.example.com/app"))).isTrue();
    assertThat(pattern.matches(ImageReference.parse("abc.example.com/app"))).isTrue();
    assertThat(pattern.matches(ImageReference.parse("abxbxcx.example.com/app"))).isFalse();
    assertThat(pattern.matches(ImageReference.parse("acb.example.com/app"))).isFalse();
  }
}
