package dev.pullsecret.webhook.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Fuzz targets of the image-reference grammar and registry patterns, which read every image of
 * every pod and every pattern of the rules. A normal build runs them on the committed seeds (under
 * {@code ImageFuzzTestInputs/<method>/}); {@code JAZZER_FUZZ=1} fuzzes one of them
 * (docs/development.md, Fuzzing). Input is UTF-8 text, so the seeds are readable.
 */
class ImageFuzzTest {

  /**
   * Any text either parses into a canonical reference that reads back equal, or is refused with
   * {@link InvalidImageSyntaxException}; nothing else escapes.
   */
  @FuzzTest
  void imageReferencesRoundTripOrAreRefused(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    ImageReference reference = parsedOrRefused(ImageReference::parse, text);
    if (reference == null) {
      return;
    }

    assertThat(ImageReference.parse(reference.toString())).isEqualTo(reference);
    assertThat(reference.toString()).isEqualTo(ImageReference.parse(text).toString());
    assertThat(reference.repository()).isEqualTo(reference.domain() + "/" + reference.path());
    assertThat(ReferenceGrammar.domainProblem(reference.domain())).isNull();
    assertThat(reference.withTag(null).hasTag()).isFalse();
  }

  /**
   * {@code pattern\nimage}: a pattern either parses (keeping its text) or is refused with {@link
   * InvalidImageSyntaxException}; a parsed pattern answers {@code matches} for any valid image
   * without throwing, the same for equal images, and matches an image on its own registry and path
   * (globs filled in) whenever that image is read with that registry.
   */
  @FuzzTest
  void registryPatternsParseOrAreRefusedAndMatchWithoutThrowing(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    int newline = text.indexOf('\n');
    String patternText = newline < 0 ? text : text.substring(0, newline);
    String imageText = newline < 0 ? "nginx" : text.substring(newline + 1);
    RegistryPattern pattern = parsedOrRefused(RegistryPattern::parse, patternText);
    if (pattern == null) {
      return;
    }
    assertThat(pattern).hasToString(patternText);
    assertOwnRegistryMatches(pattern, patternText);

    ImageReference image;
    try {
      image = ImageReference.parse(imageText);
    } catch (InvalidImageSyntaxException e) {
      return;
    }
    boolean matches = pattern.matches(image);
    assertThat(pattern.matches(ImageReference.parse(image.toString()))).isEqualTo(matches);
  }

  private static void assertOwnRegistryMatches(RegistryPattern pattern, String patternText) {
    int slash = patternText.indexOf('/');
    String hostAndPort =
        (slash < 0 ? patternText : patternText.substring(0, slash)).replace('*', 'a');
    String path = slash < 0 ? "" : patternText.substring(slash);
    ImageReference own;
    try {
      own = ImageReference.parse(hostAndPort + path + "/app");
    } catch (InvalidImageSyntaxException e) {
      return; // e.g. an image path over the length limit
    }
    // index.docker.io is read as docker.io; any other host must be read as written, not as a path.
    boolean readAsWritten =
        own.domain().equalsIgnoreCase(hostAndPort)
            || (own.isDockerHub() && hostAndPort.equalsIgnoreCase("index.docker.io"));
    if (readAsWritten) {
      assertThat(pattern.matches(own)).as("%s matches %s", pattern, own).isTrue();
    }
  }

  /**
   * What {@code parse} makes of {@code text}, or null when it refuses it with {@link
   * InvalidImageSyntaxException}, which must say why.
   */
  private static <T> T parsedOrRefused(Function<String, T> parse, String text) {
    try {
      return parse.apply(text);
    } catch (InvalidImageSyntaxException e) {
      assertThat(e.getMessage()).isNotBlank();
      return null;
    }
  }
}
