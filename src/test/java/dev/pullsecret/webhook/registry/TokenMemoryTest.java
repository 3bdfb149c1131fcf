package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsServer;
import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token service may answer 64 KiB; the tokens kept for the next lookups are bounded in number and
 * each in size, so a registry a pod names cannot fill the heap repository by repository.
 */
class TokenMemoryTest {

  private static final String LARGE_TOKEN = "t".repeat(60_000);

  @TempDir Path dir;

  /** What the token service answers. */
  private volatile String token;

  private HttpsServer tokens;
  private HttpClient http;
  private Authorizations authorizations;
  private String challenge;

  @BeforeEach
  void startTokenService() throws Exception {
    CertificateSet certificates = RegistryProcess.certificates(KeyAlgorithm.ECDSA_P256);
    PemFiles.write(certificates, dir, true);
    tokens =
        StubHttpsServer.start(
            certificates,
            "/token",
            exchange -> {
              byte[] body = ("{\"token\":\"" + token + "\"}").getBytes(StandardCharsets.UTF_8);
              exchange.sendResponseHeaders(200, body.length);
              exchange.getResponseBody().write(body);
              exchange.close();
            });
    http =
        HttpClient.newBuilder()
            .sslContext(TrustBundle.sslContext(Optional.of(dir.resolve(PemFiles.CA_CRT))))
            .build();
    authorizations = new Authorizations(() -> http, Duration.ofSeconds(5));
    challenge = "Bearer realm=\"https://127.0.0.1:" + tokens.getAddress().getPort() + "/token\"";
  }

  @AfterEach
  void stopTokenService() {
    http.close();
    tokens.stop(0);
  }

  @Test
  void largeTokensAreUsedButNotKept() {
    token = LARGE_TOKEN;

    for (int i = 0; i < 40; i++) {
      var url = new ManifestUrl("https://evil.example", "repo-" + i, "1");
      String header = authorizations.answer(List.of(challenge), url, Optional.empty());
      assertThat(header).isEqualTo("Bearer " + LARGE_TOKEN);
      assertThat(authorizations.remembered(url, Optional.empty())).isEmpty();
    }
  }

  /** "Aa" and "BB" have one String hash: a token is kept for the whole credential that got it. */
  @Test
  void aTokenIsKeptForTheCredentialThatGotItOnly() {
    token = "small";
    var url = new ManifestUrl("https://registry.example", "private", "1");
    var owner = Optional.of(new RegistryCredential("registry.example", "ci", "Aa"));
    var other = Optional.of(new RegistryCredential("registry.example", "ci", "BB"));

    authorizations.answer(List.of(challenge), url, owner);

    assertThat(authorizations.remembered(url, owner)).contains("Bearer small");
    assertThat(authorizations.remembered(url, other)).isEmpty();
  }
}
