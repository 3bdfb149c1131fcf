package dev.pullsecret.webhook.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.RegistryPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/** Whether a secret's keys serve every image of a registry pattern the pull secret is bound to. */
class DockerConfigCoverageTest {

  @ParameterizedTest(name = "{0} cover {1}: {2}")
  @CsvFileSource(resources = "/credentials/coverage.csv")
  void keysCoverAPatternWhenTheKubeletFindsACredentialForEachOfItsImages(
      String keys, String pattern, boolean covered) {
    DockerConfig config = Configs.withKeys(keys.split(" "));

    assertThat(config.covers(RegistryPattern.parse(pattern))).isEqualTo(covered);
  }

  @Test
  void coveredPatternGivesACredentialForItsImages() {
    DockerConfig config = Configs.withKeys("*.pkg.dev", "registry.corp:5000/team");

    for (String image :
        new String[] {"europe-docker.pkg.dev/p/r/app", "registry.corp:5000/team/app:1"}) {
      assertThat(config.credentialFor(ImageReference.parse(image))).as(image).isPresent();
    }
  }
}
