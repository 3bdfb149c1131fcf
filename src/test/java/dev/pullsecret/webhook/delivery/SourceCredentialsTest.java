package dev.pullsecret.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.registry.RegistryCredentials;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.rules.RulesStore;
import dev.pullsecret.webhook.rules.SecretSource;
import dev.pullsecret.webhook.testing.TestContexts;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Digest lookups authenticate with the content of the delivered pull secrets' sources. */
class SourceCredentialsTest {

  private static final ImageReference NGINX = ImageReference.parse("nginx:1.27");
  private static final Rules RULES =
      RulesParser.parse(
          new String(
              dev.pullsecret.webhook.testing.Reviews.resource("delivery/rules.yaml"),
              StandardCharsets.UTF_8),
          "rules.yaml");
  private static final DesiredCopies DESIRED =
      new DesiredCopies(
          new RulesStore(new LoadedRules(RULES, 1, "test", Instant.EPOCH, "")),
          TestContexts.SCOPE,
          "pullsecret-webhook");

  private final Map<SecretSource, Secret> sources = new HashMap<>();
  private final RegistryCredentials credentials =
      new SourceCredentials(
              () -> DESIRED.delivered(RULES), source -> Optional.ofNullable(sources.get(source)))
          .credentials();

  @Test
  void deliveredSecretGivesItsCredentialForTheImage() {
    sources.put(new SecretSource("pullsecret-webhook", "dockerhub-creds"), source("v1", "1"));

    assertThat(credentials.forImage(NGINX, List.of("dockerhub-creds")))
        .contains(new RegistryCredential("https://index.docker.io/v1/", "robot", "v1"));
  }

  @Test
  void secretNotDeliveredOrSourceAbsentIsAnonymous() {
    assertThat(credentials.forImage(NGINX, List.of("by-hand", "dockerhub-creds"))).isEmpty();
  }

  @Test
  void aSourceChangedSinceTheLastLookupGivesItsNewCredential() {
    var at = new SecretSource("pullsecret-webhook", "dockerhub-creds");
    sources.put(at, source("v1", "1"));
    credentials.forImage(NGINX, List.of("dockerhub-creds"));

    sources.put(at, source("v2", "2"));

    assertThat(credentials.forImage(NGINX, List.of("dockerhub-creds")))
        .contains(new RegistryCredential("https://index.docker.io/v1/", "robot", "v2"));
  }

  private static Secret source(String version, String resourceVersion) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("dockerhub-creds")
        .withResourceVersion(resourceVersion)
        .endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .addToData(".dockerconfigjson", DockerConfigs.encode(DockerConfigs.json(version, false)))
        .build();
  }
}
