package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.registry.Lookup.Failure;
import dev.pullsecret.webhook.text.Text;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Registries that leave {@code Docker-Content-Digest} out, or send a wrong one, or serve something
 * that is not an image: a JDK HttpsServer stub, since docker-registry always sends the header.
 */
class RegistryDigestHeaderTest {

  private static final byte[] MANIFEST =
      """
      {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}"""
          .getBytes(StandardCharsets.UTF_8);

  /** 4 MiB of counting bytes: any chunk out of place changes the digest. */
  private static final byte[] AT_LIMIT = new byte[4 * 1024 * 1024];

  static {
    for (int i = 0; i < AT_LIMIT.length; i++) {
      AT_LIMIT[i] = (byte) (i % 251);
    }
  }

  private static final String TOKEN_WITH_NEWLINE = "{\"token\":\"s3cr3t-t0ken\\r\\nX-A: b\"}";

  private final AtomicReference<String> realm = new AtomicReference<>();
  private final AtomicReference<String> bearer = new AtomicReference<>();
  private final AtomicReference<String> scope = new AtomicReference<>();
  private final AtomicReference<String> behaviour = new AtomicReference<>("");
  private final AtomicReference<String> declaredDigest = new AtomicReference<>();
  private final AtomicReference<String> contentType =
      new AtomicReference<>(RegistryClient.OCI_MANIFEST);
  private HttpsServer server;
  private RegistryClient client;

  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    CertificateSet certificates = RegistryProcess.certificates(KeyAlgorithm.ECDSA_P256);
    PemFiles.write(certificates, dir, true);
    server = StubHttpsServer.start(certificates, "/v2/", this::manifest);
    client =
        new RegistryClient(
            () -> TrustBundle.sslContext(Optional.of(dir.resolve(PemFiles.CA_CRT))),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void missingHeaderIsComputedFromTheManifest() throws Exception {
    assertThat(client.resolve(image(), Optional.empty())).isEqualTo(ImagePusher.digest(MANIFEST));
  }

  @Test
  void headerThatDiffersFromTheManifestIsAnError() {
    declaredDigest.set("sha256:" + "0".repeat(64));

    assertThat(failure()).isEqualTo(Failure.ERROR);
  }

  /**
   * The grammar reads any algorithm with 32 hex characters or more, but the kubelet parses an image
   * with go-digest, which knows sha256, sha384 and sha512 only: a pod pinned to {@code md5:...}
   * never starts ({@code InvalidImageName}), where left as it was it would have run.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "md5:0123456789abcdef0123456789abcdef",
        "sha1:0123456789abcdef0123456789abcdef01234567",
        "blake3:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      })
  void digestOfAnAlgorithmTheKubeletCannotPullIsAnError(String digest) {
    behaviour.set("head-digest");
    declaredDigest.set(digest);

    assertThat(reason())
        .isEqualTo(
            "registry sent a digest the kubelet cannot pull for team/app (sha256, sha384 and"
                + " sha512 only): "
                + Text.quote(digest.substring(0, digest.indexOf(':'))));
  }

  @ParameterizedTest
  @ValueSource(ints = {64, 96, 128})
  void digestOfAnAlgorithmTheKubeletPullsIsTaken(int hex) {
    String digest = "sha" + hex * 4 + ":" + "a".repeat(hex);
    behaviour.set("head-digest");
    declaredDigest.set(digest);

    assertThat(client.resolve(image(), Optional.empty())).isEqualTo(digest);
  }

  /**
   * What a registry sends goes into warnings, audit annotations, a refusal's message and its log
   * line: quoted and bounded, however long, and whatever it holds.
   */
  @Test
  void whatTheRegistrySentIsQuotedAndBoundedInTheReason() {
    contentType.set("text/" + "x".repeat(100_000));
    assertThat(reason()).hasSizeLessThan(400);

    contentType.set(RegistryClient.OCI_MANIFEST);
    realm.set("https://127.0.0.1:" + server.getAddress().getPort() + "/v2/token");
    scope.set("repository:" + "x".repeat(10_000) + ":pull"); // a 401 over 16 KiB is refused unread
    assertThat(reason()).startsWith("token service refused \"repository:xxx").hasSizeLessThan(400);
  }

  /**
   * A realm that is an https URI without a host ({@code https:/...}) passed the scheme check and
   * was refused by the JDK's request builder, whose {@code IllegalArgumentException} quotes the
   * whole URI: the lookup failed with a reason as long as the header (up to 384 KiB then, 16 KiB
   * now), kept in the cache for failure-ttl, where each entry is reckoned at ~2 KiB.
   */
  @Test
  void realmWithoutAHostIsQuotedAndBoundedInTheReason() {
    realm.set("https:/" + "x".repeat(10_000));

    assertThat(reason()).startsWith("token realm is not a URL: \"https:/xxx").hasSizeLessThan(400);
  }

  private String reason() {
    try {
      client.resolve(image(), Optional.empty());
      throw new AssertionError("resolved");
    } catch (RegistryException e) {
      return ((Lookup.Failed) e.lookup()).detail();
    }
  }

  @Test
  void somethingOtherThanAnImageIsAnError() {
    contentType.set("application/vnd.docker.distribution.manifest.v1+prettyjws");

    assertThat(failure()).isEqualTo(Failure.ERROR);
  }

  /**
   * A manifest over containerd's 4 MiB is refused once the limit is read past, naming the limit
   * (the JDK's {@code BodyHandlers.limiting} reports it in words RegistryException recognises).
   */
  /**
   * A manifest of exactly the limit, hashed as it arrives (never held) over many chunks: its digest
   * is that of all its bytes in order, so a chunk lost or reordered would show.
   */
  @Test
  void manifestAtTheLimitIsHashedWhole() {
    behaviour.set("at-limit");

    assertThat(client.resolve(image(), Optional.empty())).isEqualTo(ImagePusher.digest(AT_LIMIT));
  }

  @Test
  void manifestOverTheLimitIsAnError() {
    behaviour.set("large");

    assertThat(reason()).endsWith(" sent a manifest over 4194304 bytes");
  }

  /**
   * A registry that answers the GET's headers at once and then drips its manifest (or its token
   * service its token), a byte every 50 ms: the request's time-out covers the headers only, so
   * without a deadline of its own the read would hold the lookup (and one of the resolver's {@code
   * max-concurrent} slots) for days.
   */
  @ParameterizedTest
  @ValueSource(strings = {"drip", "token-drip"})
  void bodyThatDripsEndsWithTheRequestTimeout(String how) {
    behaviour.set(how);
    RegistryClient impatient =
        new RegistryClient(
            () -> TrustBundle.sslContext(Optional.of(dir.resolve(PemFiles.CA_CRT))),
            Duration.ofSeconds(2),
            Duration.ofMillis(500));

    long start = System.nanoTime();
    Failure failure = failure(impatient);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(failure).isEqualTo(Failure.TIMEOUT);
    assertThat(took).isLessThan(Duration.ofMillis(2500));
  }

  /**
   * A token that cannot be a header value (a line break in it) failed the lookup with the JDK's
   * {@code IllegalArgumentException}, whose message quotes the header: the token, a credential
   * obtained with the rule's pull secret, went into the pod's warning, the audit annotation and a
   * refusal's log line. A failure of its own, that does not quote it.
   */
  @Test
  void tokenThatCannotBeAHeaderIsRefusedUnquoted() {
    behaviour.set("token-newline");

    assertThatCode(() -> client.resolve(image(), Optional.empty()))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.lookup().failure()).isEqualTo(Failure.ERROR))
        .hasMessageNotContaining("s3cr3t")
        .hasMessage("token response with a token that is not a header value");
  }

  /**
   * A registry's 401 names any realm it likes: a tenant's registry naming a plain-HTTP service
   * inside the cluster (a cloud's metadata endpoint, an internal API) would have the webhook GET it
   * and send the {@code token} of its answer back to that registry. Never asked, credential or not.
   */
  @Test
  void plainHttpRealmIsNeverAsked() throws IOException {
    AtomicInteger asked = new AtomicInteger();
    HttpServer inside =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    inside.createContext(
        "/",
        exchange -> {
          asked.incrementAndGet();
          byte[] token = "{\"token\":\"from-inside\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, token.length);
          exchange.getResponseBody().write(token);
          exchange.close();
        });
    inside.start();
    try {
      realm.set("http://127.0.0.1:" + inside.getAddress().getPort() + "/latest/meta-data");

      assertThat(failure()).isEqualTo(Failure.ERROR);
      assertThat(asked).hasValue(0);
      assertThat(bearer.get()).isNull();
    } finally {
      inside.stop(0);
    }
  }

  /** HEAD without the header; GET with the manifest, and the header only if one was set. */
  private void manifest(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (realm.get() != null) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null) {
          bearer.set(authorization);
        }
        String challenge = "Bearer realm=\"" + realm.get() + "\"";
        if (scope.get() != null) {
          challenge += ",scope=\"" + scope.get() + "\"";
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", challenge);
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      if (behaviour.get().startsWith("token-")) {
        if (exchange.getRequestURI().getPath().startsWith("/v2/token")) {
          if (behaviour.get().equals("token-drip")) {
            drip(exchange);
            return;
          }
          byte[] body = TOKEN_WITH_NEWLINE.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          return;
        }
        String realm = "https://127.0.0.1:" + server.getAddress().getPort() + "/v2/token";
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"" + realm + "\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", contentType.get());
      if (exchange.getRequestMethod().equals("HEAD")) {
        if (behaviour.get().equals("head-digest")) {
          exchange.getResponseHeaders().set("Docker-Content-Digest", declaredDigest.get());
        }
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      if (behaviour.get().equals("large")) {
        exchange.sendResponseHeaders(200, 0);
        exchange.getResponseBody().write(new byte[4 * 1024 * 1024 + 1]);
        return;
      }
      if (behaviour.get().equals("at-limit")) {
        exchange.sendResponseHeaders(200, 0);
        exchange.getResponseBody().write(AT_LIMIT);
        return;
      }
      if (behaviour.get().equals("drip")) {
        drip(exchange);
        return;
      }
      if (declaredDigest.get() != null) {
        exchange.getResponseHeaders().set("Docker-Content-Digest", declaredDigest.get());
      }
      exchange.sendResponseHeaders(200, MANIFEST.length);
      exchange.getResponseBody().write(MANIFEST);
    }
  }

  private static void drip(HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(200, 1 << 20);
    try {
      for (int i = 0; i < 200; i++) {
        exchange.getResponseBody().write(' ');
        exchange.getResponseBody().flush();
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Failure failure() {
    return failure(client);
  }

  private Failure failure(RegistryClient client) {
    try {
      client.resolve(image(), Optional.empty());
      throw new AssertionError("resolved");
    } catch (RegistryException e) {
      return e.lookup().failure();
    }
  }

  private ImageReference image() {
    return ImageReference.parse("127.0.0.1:" + server.getAddress().getPort() + "/team/app:1");
  }
}
