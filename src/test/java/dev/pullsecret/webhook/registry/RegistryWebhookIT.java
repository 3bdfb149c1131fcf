package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.registry.ImagePusher.Format;
import dev.pullsecret.webhook.testing.Management;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The running webhook (Spring wiring, {@code webhook.digests.*}, HTTPS, metrics) resolving an image
 * pushed to a real registry with token auth: anonymous, as the application's default credentials
 * are, which the registry's token service allows for {@code public/} repositories; and refusing,
 * with a logged reason, a pod whose rule says deny when its registry is down.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class RegistryWebhookIT {

  private static final TestServerFiles FILES = TestServerFiles.create("pullsecret-digests");

  /** Started when the application's properties are first read, before the context. */
  private static final class Registry {
    static final Path DIR = tempDir();
    static final CertificateSet CERTIFICATES = RegistryProcess.certificates(KeyAlgorithm.RSA_2048);
    static final TokenService TOKENS =
        new TokenService(
            CERTIFICATES, new RegistryCredential("registry.test", "pusher", "push-pass"));
    static final RegistryProcess PROCESS =
        RegistryProcess.withTokenAuth(DIR, CERTIFICATES, TOKENS.realm(), TokenService.SERVICE);
    static final String INDEX =
        new ImagePusher(
                TrustBundle.sslContext(Optional.of(PROCESS.caBundle())),
                PROCESS.domain(),
                TOKENS::pushAuthorization)
            .pushIndex("public/web", "3.0", Format.OCI, List.of("amd64", "arm64"));

    private static Path tempDir() {
      try {
        return Files.createTempDirectory("digest-registry");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Runs before the context is loaded, so a missing binary skips (or fails on CI) cleanly. */
  @BeforeAll
  static void registryBinary() {
    RegistryProcess.requireBinary();
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    FILES.writeRules(
        """
        rules:
          - name: pinned
            namespaces: [team]
            images:
              resolveDigests: {}
          - name: strict
            namespaces: [strict]
            images:
              resolveDigests: {onFailure: deny}
        """
            .getBytes(StandardCharsets.UTF_8));
    FILES.properties((name, value) -> registry.add(name, () -> value));
    registry.add("webhook.digests.ca-bundle", () -> Registry.PROCESS.caBundle().toString());
  }

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;

  @AfterAll
  static void stop() {
    if (Files.isExecutable(Path.of(RegistryProcess.BINARY))) {
      Registry.PROCESS.close();
      Registry.TOKENS.close();
    }
  }

  @Test
  void reviewIsAnsweredWithTheImagePinnedToItsIndexAndTheLookupIsCounted() throws Exception {
    String image = Registry.PROCESS.domain() + "/public/web:3.0";

    JsonNode answer = review(image);
    JsonNode again = review(image);

    JsonNode patched = Reviews.applyPatch(podJson(image), answer);
    assertThat(patched.at("/spec/containers/0/image").asString())
        .isEqualTo(image + "@" + Registry.INDEX);
    assertThat(answer.at("/response/warnings").toString()).contains("resolved 3.0 to its digest");
    assertThat(again.at("/response/patch").asString())
        .isEqualTo(answer.at("/response/patch").asString());
    String metrics = Management.scrape(managementPort);
    assertThat(metrics)
        .contains("pullsecret_digest_lookups_total{result=\"miss\"} 1.0")
        .contains("pullsecret_digest_lookups_total{result=\"hit\"} 1.0")
        .contains("pullsecret_digest_lookup_seconds_bucket{result=\"found\"");
  }

  /**
   * At the default log level, a refused pod leaves one line, which names the review and says why:
   * here a registry that is down, named with its host and port.
   */
  @Test
  void refusedPodIsLoggedOnceWithTheReasonTheApiServerShows(CapturedOutput output)
      throws Exception {
    String stopped;
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      stopped = "127.0.0.1:" + socket.getLocalPort();
    }
    String uid = UUID.randomUUID().toString();

    JsonNode answer = review(stopped + "/team/app:1", "strict", uid);

    String message = answer.at("/response/status/message").asString();
    assertThat(answer.at("/response/allowed").asBoolean()).isFalse();
    assertThat(message)
        .isEqualTo(
            "pullsecret-webhook: rule strict requires images pinned by digest and these tags"
                + " could not be resolved: \""
                + stopped
                + "/team/app:1\" (error: registry \""
                + stopped
                + "\" unreachable: connection refused)");
    assertThat(output.getOut().lines().filter(line -> line.contains(uid)))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .contains(" WARN ")
                    .contains(
                        "Refused uid=\""
                            + uid
                            + "\" ns=\"strict\" pod=\"web\" op=\"CREATE\" dryRun=false"
                            + " reason=DIGEST_UNRESOLVED rule=strict: "
                            + message));
  }

  private JsonNode review(String image) throws Exception {
    return review(image, "team", UUID.randomUUID().toString());
  }

  private JsonNode review(String image, String namespace, String uid) throws Exception {
    String review =
        """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
          "uid":"%s","kind":{"group":"","version":"v1","kind":"Pod"},
          "resource":{"group":"","version":"v1","resource":"pods"},
          "namespace":"%s","operation":"CREATE","dryRun":false,"object":%s}}"""
            .formatted(uid, namespace, podJson(image, namespace));
    try (var connection =
        TlsHttpConnection.open(FILES.sslContext(), TestServerFiles.SERVICE_HOST, port)) {
      var response = connection.post("/mutate", review.getBytes(StandardCharsets.UTF_8));
      assertThat(response.status()).isEqualTo(200);
      return Reviews.json(response.body());
    }
  }

  private static JsonNode podJson(String image) {
    return podJson(image, "team");
  }

  private static JsonNode podJson(String image, String namespace) {
    return Reviews.json(
        """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"%s"},
         "spec":{"containers":[{"name":"web","image":"%s","imagePullPolicy":"IfNotPresent"}]}}"""
            .formatted(namespace, image)
            .getBytes(StandardCharsets.UTF_8));
  }
}
