package dev.pullsecret.webhook.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.image.ImageReference;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/** Which auths key the kubelet uses for which image (pkg/credentialprovider/keyring.go). */
class DockerConfigKeyMatchTest {

  @ParameterizedTest(name = "{0} for {1}: {2}")
  @CsvFileSource(resources = "/credentials/key-matches.csv")
  void keyIsUsedForTheImagesTheKubeletUsesItFor(String key, String image, boolean used) {
    DockerConfig config = Configs.withKeys(key);

    assertThat(key(config, image)).isEqualTo(used ? Optional.of(key) : Optional.empty());
  }

  @Test
  void mostSpecificMatchingKeyIsUsed() {
    DockerConfig config =
        Configs.withKeys(
            "registry.corp", "registry.corp/team/app", "quay.io", "registry.corp/team");

    assertThat(key(config, "registry.corp/team/app/x:1")).contains("registry.corp/team/app");
    assertThat(key(config, "registry.corp/team/web:1")).contains("registry.corp/team");
    assertThat(key(config, "registry.corp/other/web:1")).contains("registry.corp");
  }

  @Test
  void dockerHubFallbackIsUsedOnlyWhenNoOtherKeyMatches() {
    DockerConfig config = Configs.withKeys("https://index.docker.io/v1/", "docker.io/bitnami");

    assertThat(key(config, "bitnami/redis")).contains("docker.io/bitnami");
    assertThat(key(config, "nginx")).contains("https://index.docker.io/v1/");
  }

  @Test
  void ofSpellingsOfOneRegistryTheSecretsFirstIsUsed() {
    assertThat(key(Configs.withKeys("index.docker.io", "https://index.docker.io/v1/"), "nginx"))
        .contains("index.docker.io");
    assertThat(key(Configs.withKeys("https://index.docker.io/v1/", "index.docker.io"), "nginx"))
        .contains("https://index.docker.io/v1/");
  }

  @Test
  void imageWithoutMatchingKeyGetsNoCredential() {
    assertThat(key(Configs.withKeys("quay.io"), "ghcr.io/org/app")).isEmpty();
    assertThat(key(DockerConfig.EMPTY, "nginx")).isEmpty();
  }

  @Test
  void credentialGivesUsernamePasswordAndBasicAuthorization() {
    RegistryCredential credential =
        Configs.withKeys("ghcr.io")
            .credentialFor(ImageReference.parse("ghcr.io/org/app"))
            .orElseThrow();

    assertThat(credential.username()).isEqualTo("user-0");
    assertThat(credential.password()).isEqualTo("HUNTER2-0");
    assertThat(credential.basicAuthorization()).isEqualTo("Basic dXNlci0wOkhVTlRFUjItMA==");
  }

  private static Optional<String> key(DockerConfig config, String image) {
    return config.credentialFor(ImageReference.parse(image)).map(RegistryCredential::key);
  }
}
