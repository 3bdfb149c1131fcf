package dev.pullsecret.webhook.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.image.ImageReference;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/** Which auths key the kubelet uses for which image (pkg/credentialprovider/keyring.go). */
class DockerConfigKeyMatchTest {

  @ParameterizedTest(name = "{0} for {1}: {2}")
  @CsvFileSource(resources = "/credentials/key-matches.csv")
  void keyIsUsedForTheImagesTheKubeletUsesItFor(String key, String image, boolean used) {
    DockerConfig config = Configs.withKeys(key);

    var credential = config.credentialFor(ImageReference.parse(image));

    assertThat(credential.map(RegistryCredential::key))
        .isEqualTo(used ? java.util.Optional.of(key) : java.util.Optional.empty());
  }

  @Test
  void mostSpecificKeyComesFirstAndEveryMatchingKeyFollows() {
    DockerConfig config =
        Configs.withKeys(
            "registry.corp", "registry.corp/team/app", "quay.io", "registry.corp/team");

    List<RegistryCredential> credentials =
        config.credentialsFor(ImageReference.parse("registry.corp/team/app/x:1"));

    assertThat(credentials)
        .extracting(RegistryCredential::key)
        .containsExactly("registry.corp/team/app", "registry.corp/team", "registry.corp");
  }

  @Test
  void dockerHubFallbackIsUsedOnlyWhenNoOtherKeyMatches() {
    DockerConfig config = Configs.withKeys("https://index.docker.io/v1/", "docker.io/bitnami");

    assertThat(config.credentialsFor(ImageReference.parse("bitnami/redis")))
        .extracting(RegistryCredential::key)
        .containsExactly("docker.io/bitnami");
    assertThat(config.credentialsFor(ImageReference.parse("nginx")))
        .extracting(RegistryCredential::key)
        .containsExactly("https://index.docker.io/v1/");
  }

  @Test
  void spellingsOfOneRegistryAreAllTriedInTheSecretsOrder() {
    DockerConfig config = Configs.withKeys("index.docker.io", "https://index.docker.io/v1/");

    assertThat(config.credentialsFor(ImageReference.parse("nginx")))
        .extracting(RegistryCredential::key)
        .containsExactly("index.docker.io", "https://index.docker.io/v1/");
  }

  @Test
  void imageWithoutMatchingKeyGetsNoCredential() {
    DockerConfig config = Configs.withKeys("quay.io");

    assertThat(config.credentialsFor(ImageReference.parse("ghcr.io/org/app"))).isEmpty();
    assertThat(DockerConfig.EMPTY.credentialFor(ImageReference.parse("nginx"))).isEmpty();
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
}
