package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.registry.ImagePusher.Format;
import dev.pullsecret.webhook.registry.Lookup.Failure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Lookups against a real registry with TLS and htpasswd basic auth. */
class RegistryClientIT {

  private static final RegistryCredential USER =
      new RegistryCredential("registry.test", "puller", "s3cret-pass");

  @TempDir static Path dir;
  private static RegistryProcess registry;
  private static ImagePusher pusher;
  private static RegistryClient client;

  @BeforeAll
  static void startRegistry() {
    registry = RegistryProcess.withHtpasswd(dir, USER.username(), USER.password());
    SSLContext tls = TrustBundle.sslContext(Optional.of(registry.caBundle()));
    pusher = new ImagePusher(tls, registry.domain(), repository -> USER.basicAuthorization());
    client = new RegistryClient(() -> tls, Duration.ofSeconds(2), Duration.ofSeconds(5));
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Format.class)
  void singlePlatformImageResolvesToItsManifestDigest(Format format) throws Exception {
    String pushed =
        pusher.pushImage("team/single-" + format.name().toLowerCase(), "1.0", format, "amd64");

    assertThat(
            client.resolve(
                image("team/single-" + format.name().toLowerCase() + ":1.0"), Optional.of(USER)))
        .isEqualTo(pushed);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Format.class)
  void multiArchImageResolvesToItsIndexNeverAPlatformManifest(Format format) throws Exception {
    String index =
        pusher.pushIndex(
            "team/multi-" + format.name().toLowerCase(), "2.0", format, List.of("amd64", "arm64"));

    assertThat(
            client.resolve(
                image("team/multi-" + format.name().toLowerCase() + ":2.0"), Optional.of(USER)))
        .isEqualTo(index);
  }

  @Test
  void untaggedImageResolvesLatest() throws Exception {
    String pushed = pusher.pushImage("team/untagged", "latest", Format.OCI, "amd64");

    assertThat(client.resolve(image("team/untagged"), Optional.of(USER))).isEqualTo(pushed);
  }

  @Test
  void movedTagResolvesToWhatTheRegistryServesNow() throws Exception {
    pusher.pushImage("team/moving", "stable", Format.OCI, "amd64");
    String moved = pusher.pushImage("team/moving", "stable", Format.OCI, "arm64");

    assertThat(client.resolve(image("team/moving:stable"), Optional.of(USER))).isEqualTo(moved);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "anonymous lookup of a protected registry, team/private,        1,              anonymous",
    "wrong password,                           team/wrong-password, 1,              wrong password",
    "unknown tag,                              team/known,          does-not-exist, puller",
  })
  void lookupIsRefused(String what, String repository, String tag, String who) {
    pusher.pushImage(repository, "1", Format.OCI, "amd64");

    assertThat(failure(image(repository + ":" + tag), credential(who))).isEqualTo(Failure.REFUSED);
  }

  @Test
  void registryWithAnUntrustedCertificateIsAnError() {
    var untrusting =
        new RegistryClient(
            () -> TrustBundle.sslContext(Optional.empty()),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5));

    assertThat(failure(untrusting, image("team/known:1"), Optional.of(USER)))
        .isEqualTo(Failure.ERROR);
  }

  @Test
  void resolverGivesEveryImageOfAPodInOneCall() {
    String a = pusher.pushImage("team/pod-a", "1", Format.OCI, "amd64");
    String b = pusher.pushIndex("team/pod-b", "1", Format.DOCKER, List.of("amd64", "s390x"));
    var settings =
        new DigestResolver.Settings(
            null, Duration.ofMinutes(1), Duration.ofSeconds(5), 100, 4, null, null, null);
    try (var resolver =
        new DigestResolver(client::resolve, settings, LookupObserver.NONE, System::nanoTime)) {
      Map<ImageReference, Lookup> found = new java.util.HashMap<>();
      resolver
          .resolveAll(
              Map.of(
                  image("team/pod-a:1"), Optional.of(USER),
                  image("team/pod-b:1"), Optional.of(USER),
                  image("team/pod-c:missing"), Optional.of(USER)),
              resolver.budget(Duration.ofSeconds(5)))
          .forEach((image, answer) -> found.put(image, answer.lookup()));

      assertThat(found)
          .containsEntry(image("team/pod-a:1"), new Lookup.Found(a))
          .containsEntry(image("team/pod-b:1"), new Lookup.Found(b));
      assertThat(found.get(image("team/pod-c:missing")))
          .isInstanceOfSatisfying(
              Lookup.Failed.class,
              f -> {
                assertThat(f.failure()).isEqualTo(Failure.REFUSED);
                assertThat(f.manifestUnknown()).as("a 404: the registry lacks it").isTrue();
              });
    }
  }

  @Test
  void anonymousRefusalIsNotTheAnswerForAReviewWithACredential() {
    String pushed = pusher.pushImage("team/shared", "1", Format.OCI, "amd64");
    var settings =
        new DigestResolver.Settings(
            null, Duration.ofMinutes(1), Duration.ofMinutes(1), 100, 4, null, null, null);
    try (var resolver =
        new DigestResolver(client::resolve, settings, LookupObserver.NONE, System::nanoTime)) {
      ImageReference shared = image("team/shared:1");
      Lookup anonymous =
          resolver
              .resolveAll(Map.of(shared, Optional.empty()), resolver.budget(Duration.ofSeconds(5)))
              .get(shared)
              .lookup();

      Lookup withCredential =
          resolver
              .resolveAll(Map.of(shared, Optional.of(USER)), resolver.budget(Duration.ofSeconds(5)))
              .get(shared)
              .lookup();

      assertThat(anonymous).isInstanceOf(Lookup.Failed.class);
      assertThat(withCredential).isEqualTo(new Lookup.Found(pushed));
    }
  }

  private static ImageReference image(String repositoryAndTag) {
    return ImageReference.parse(registry.domain() + "/" + repositoryAndTag);
  }

  /** No credential, the puller's with a wrong password, or the puller's. */
  private static Optional<RegistryCredential> credential(String who) {
    return switch (who) {
      case "anonymous" -> Optional.empty();
      case "wrong password" ->
          Optional.of(new RegistryCredential(USER.key(), USER.username(), "no"));
      case "puller" -> Optional.of(USER);
      default -> throw new IllegalArgumentException("unknown credential " + who);
    };
  }

  private static Failure failure(ImageReference image, Optional<RegistryCredential> credential) {
    return failure(client, image, credential);
  }

  private static Failure failure(
      RegistryClient with, ImageReference image, Optional<RegistryCredential> credential) {
    try {
      with.resolve(image, credential);
      throw new AssertionError("resolved " + image);
    } catch (RegistryException e) {
      return e.lookup().failure();
    }
  }
}
