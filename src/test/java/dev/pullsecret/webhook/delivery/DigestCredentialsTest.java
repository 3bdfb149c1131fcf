package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.delivery.SyncFixture.OWN;
import static dev.pullsecret.webhook.delivery.SyncFixture.PULL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.registry.RegistryCredentials;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Digest lookups authenticate with the content of the delivered pull secrets' sources, as the
 * source watches last saw it ({@link SecretSync#credentials}).
 */
class DigestCredentialsTest {

  private static final ImageReference NGINX = ImageReference.parse("nginx:1.27");
  private static final List<String> DOCKERHUB = List.of("dockerhub-creds");

  @TempDir Path dir;
  @AutoClose SyncFixture cluster;

  @BeforeEach
  void startCluster() {
    cluster = new SyncFixture(dir);
  }

  @Test
  void deliveredSecretGivesItsCredentialForTheImage() {
    cluster.createSource(OWN, "dockerhub-creds", PULL, "v1");

    RegistryCredentials credentials = cluster.start("replica-a").sync().credentials();

    await().until(() -> credentials.forImage(NGINX, DOCKERHUB).isPresent());
    assertThat(credentials.forImage(NGINX, DOCKERHUB)).contains(robot("v1"));
  }

  @Test
  void secretNotDeliveredOrSourceAbsentIsAnonymous() {
    SecretSync sync = cluster.start("replica-a").sync();

    await().until(() -> sync.caches().hasSynced());
    assertThat(sync.credentials().forImage(NGINX, List.of("by-hand", "dockerhub-creds"))).isEmpty();
  }

  @Test
  void aSourceChangedSinceTheLastLookupGivesItsNewCredential() {
    cluster.createSource(OWN, "dockerhub-creds", PULL, "v1");
    RegistryCredentials credentials = cluster.start("replica-a").sync().credentials();
    await().until(() -> credentials.forImage(NGINX, DOCKERHUB).isPresent());

    cluster.updateSource(OWN, "dockerhub-creds", "v2");

    await().until(() -> credentials.forImage(NGINX, DOCKERHUB).equals(Optional.of(robot("v2"))));
  }

  private static RegistryCredential robot(String password) {
    return new RegistryCredential("https://index.docker.io/v1/", "robot", password);
  }
}
