package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.registry.ImagePusher.Format;
import dev.pullsecret.webhook.registry.Lookup.Failure;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token flow against a real registry configured with {@code auth.token}: a 401 with {@code
 * WWW-Authenticate: Bearer realm=...,service=...,scope=...}, a token from the realm (anonymous or
 * with the pull secret's credential), the lookup again with the token.
 */
class RegistryTokenFlowIT {

  private static final RegistryCredential USER =
      new RegistryCredential("registry.test", "ci-bot", "t0ken-pass");

  @TempDir static Path dir;
  private static TokenService tokens;
  private static RegistryProcess registry;
  private static ImagePusher pusher;
  private static RegistryClient client;

  @BeforeAll
  static void start() {
    RegistryProcess.requireBinary();
    CertificateSet certificates = RegistryProcess.certificates(KeyAlgorithm.RSA_2048);
    tokens = new TokenService(certificates, USER);
    registry =
        RegistryProcess.withTokenAuth(dir, certificates, tokens.realm(), TokenService.SERVICE);
    SSLContext tls = TrustBundle.sslContext(Optional.of(registry.caBundle()));
    pusher = new ImagePusher(tls, registry.domain(), tokens::pushAuthorization);
    client = new RegistryClient(() -> tls, Duration.ofSeconds(2), Duration.ofSeconds(5));
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
    if (tokens != null) {
      tokens.close();
    }
  }

  @Test
  void publicImageResolvesWithAnAnonymousToken() throws Exception {
    String index = pusher.pushIndex("public/tool", "3.1", Format.OCI, List.of("amd64", "arm64"));

    assertThat(client.resolve(image("public/tool:3.1"), Optional.empty())).isEqualTo(index);
  }

  @Test
  void privateImageResolvesWithATokenForThePullSecretsCredential() throws Exception {
    String pushed = pusher.pushImage("private/app", "1.0", Format.DOCKER, "amd64");

    assertThat(client.resolve(image("private/app:1.0"), Optional.of(USER))).isEqualTo(pushed);
  }

  @Test
  void privateImageIsRefusedToAnAnonymousToken() {
    pusher.pushImage("private/secret", "1.0", Format.OCI, "amd64");

    assertThat(failure(image("private/secret:1.0"), Optional.empty())).isEqualTo(Failure.REFUSED);
  }

  @Test
  void wrongCredentialIsRefusedByTheTokenService() {
    pusher.pushImage("private/other", "1.0", Format.OCI, "amd64");

    assertThat(
            failure(
                image("private/other:1.0"),
                Optional.of(new RegistryCredential("registry.test", "ci-bot", "nope"))))
        .isEqualTo(Failure.REFUSED);
  }

  @Test
  void tokenIsReusedForTheNextLookupOfTheRepository() throws Exception {
    pusher.pushImage("private/reused", "1", Format.OCI, "amd64");
    pusher.pushImage("private/reused", "2", Format.OCI, "amd64");
    client.resolve(image("private/reused:1"), Optional.of(USER));
    int before = tokens.issued.get();

    client.resolve(image("private/reused:2"), Optional.of(USER));

    assertThat(tokens.issued.get()).isEqualTo(before);
  }

  private static ImageReference image(String repositoryAndTag) {
    return ImageReference.parse(registry.domain() + "/" + repositoryAndTag);
  }

  private static Failure failure(ImageReference image, Optional<RegistryCredential> credential) {
    try {
      client.resolve(image, credential);
      throw new AssertionError("resolved " + image);
    } catch (RegistryException e) {
      return e.lookup().failure();
    }
  }
}
