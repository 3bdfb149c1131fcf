package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.image.ImageReference;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/** The pure parts of the protocol: challenges and manifest URLs, as tables. */
class RegistryProtocolTest {

  @Nested
  class WwwAuthenticate {

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(
        resources = "/registry/www-authenticate.csv",
        delimiter = '|',
        quoteCharacter = 0)
    void headerIsReadIntoItsChallenges(String name, String header, String expected) {
      String value = header.equals("\"\"") ? "" : header;

      assertThat(format(Challenge.parse(value))).isEqualTo(expected == null ? "" : expected);
    }

    private static String format(List<Challenge> challenges) {
      return challenges.stream()
          .map(
              c ->
                  c.scheme()
                      + new TreeMap<>(c.params())
                          .entrySet().stream()
                              .map(e -> e.getKey() + "=" + e.getValue())
                              .collect(Collectors.joining(",", "{", "}")))
          .collect(Collectors.joining(" ; "));
    }
  }

  @Nested
  class DockerHubNames {

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "/registry/manifest-urls.csv")
    void imageIsLookedUpAtItsRegistrysManifestUrl(String image, String url) {
      assertThat(ManifestUrl.of(ImageReference.parse(image)).uri()).hasToString(url);
    }
  }
}
