package dev.pullsecret.webhook.registry;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import dev.pullsecret.webhook.registry.Lookup.Failure;
import dev.pullsecret.webhook.text.Text;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.springframework.util.function.SingletonSupplier;

/**
 * Asks a registry which digest a tag names now, with one {@code HEAD /v2/<name>/manifests/<tag>}
 * (OCI Distribution Spec) on a kept-alive HTTP/1.1 connection, and its {@code
 * Docker-Content-Digest} header; the manifest is downloaded (and its digest computed) only when a
 * registry leaves the header out.
 *
 * <p>The Accept header lists the index types first: a multi-arch image is answered with its index,
 * whose digest is what the kubelet must pull to choose its own platform; one platform's manifest
 * would pin every node to that platform.
 */
public final class RegistryClient {

  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  private static final List<String> ACCEPTED =
      List.of(OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);
  private static final String ACCEPT = String.join(", ", ACCEPTED);

  private static final Set<String> PULLABLE_ALGORITHMS = Set.of("sha256", "sha384", "sha512");

  /** containerd's limit for a manifest it reads; nothing legitimate comes near it. */
  private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  /**
   * An answer's body as the {@code sha256:} digest of its bytes, hashed as they arrive and never
   * held (a flood of 4 MiB manifests held whole took the slowest other review from 176 to 526 ms).
   */
  private static final BodyHandler<String> SHA256 =
      info -> {
        MessageDigest sha256 = sha256();
        return BodySubscribers.mapping(
            BodySubscribers.ofByteArrayConsumer(chunk -> chunk.ifPresent(sha256::update)),
            end -> "sha256:" + HexFormat.of().formatHex(sha256.digest()));
      };

  static final String POOL_SIZE_PROPERTY = "jdk.httpclient.connectionPoolSize";

  static final int POOL_SIZE = 64;

  private final Duration requestTimeout;
  private final SingletonSupplier<HttpClient> http;
  private final Authorizations authorizations;

  /**
   * @param tls the JDK's CAs and any configured bundle; made on the first lookup, with the HTTP
   *     client: most installations pin no digest, and the CAs, the client (a selector thread, ~200
   *     classes) and their memory would otherwise be held from start-up for nothing
   * @param connectTimeout for a new connection (loopback and in-cluster: milliseconds)
   * @param requestTimeout for one request; a review waits at most its own budget in any case
   */
  public RegistryClient(
      Supplier<SSLContext> tls, Duration connectTimeout, Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
    this.http =
        SingletonSupplier.of(
            () ->
                HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .sslContext(tls.get())
                    .connectTimeout(connectTimeout)
                    // Manifests and tokens are served where they are asked for (only blobs are
                    // redirected, to storage); following a redirect could carry a credential to
                    // another host.
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build());
    this.authorizations = new Authorizations(http::obtain, requestTimeout);
  }

  /**
   * Bounds the idle connections kept by every JDK HTTP client of this JVM to {@value #POOL_SIZE}
   * (the oldest closed first), unless the property is set already. The JDK keeps each for 30 s, in
   * a pool unbounded by default: pods naming thousands of registries (a wildcard DNS name and
   * certificate) kept thousands of TLS connections, ~40 KiB of heap and a file descriptor each
   * (2,000 registries in 8 s: 1,970 connections, 83 MB). The pool is one per JVM and reads the
   * property once: to be called first thing in {@code main}, before any client (Kubernetes'
   * included) loads it.
   */
  public static void boundConnectionPool() {
    System.getProperties().putIfAbsent(POOL_SIZE_PROPERTY, String.valueOf(POOL_SIZE));
  }

  /**
   * The digest the registry serves for the image's tag ({@code latest} when it has none), or, for
   * an image pinned by digest, that digest if the registry serves it.
   */
  String resolve(ImageReference image, Optional<RegistryCredential> credential) {
    ManifestUrl url = ManifestUrl.of(image);
    HttpResponse<String> response = authorized(url, "HEAD", credential);
    String digest = response.headers().firstValue("Docker-Content-Digest").orElse(null);
    if (digest == null && response.headers().firstValue("Content-Type").isEmpty()) {
      // A registry names what it serves; a 200 that says neither what nor which (a web server or
      // proxy that answers every path) is not taken for a manifest, let alone for its presence.
      throw new RegistryException(
          Failure.ERROR,
          "answered 200 for "
              + url.manifest()
              + " without a manifest media type or digest; not a registry");
    }
    String served = digest == null ? computed(url, credential) : checked(digest, image, url);
    if (image.hasDigest() && !served.equals(image.digest())) {
      // Asked by digest, a registry serves that content or nothing: anything else is not the image.
      throw new RegistryException(
          Failure.ERROR, "registry served " + served + " for " + url.manifest());
    }
    return served;
  }

  /** A request, answering a 401 challenge once; the status and media type are checked here. */
  private HttpResponse<String> authorized(
      ManifestUrl url, String method, Optional<RegistryCredential> credential) {
    Optional<String> header = authorizations.remembered(url, credential);
    HttpResponse<String> response = send(url, method, header);
    if (response.statusCode() == 401) {
      authorizations.forget(url, credential);
      String answer =
          authorizations.answer(response.headers().allValues("WWW-Authenticate"), url, credential);
      response = send(url, method, Optional.of(answer));
    }
    int status = response.statusCode();
    if (status == 200) {
      Optional<String> type =
          response
              .headers()
              .firstValue("Content-Type")
              .map(value -> value.split(";", 2)[0].trim().toLowerCase(Locale.ROOT));
      if (type.isPresent() && !ACCEPTED.contains(type.get())) {
        throw new RegistryException(
            Failure.ERROR, url.manifest() + " is a " + Text.quote(type.get()) + ", not an image");
      }
      return response;
    }
    if (status == 401 || status == 403) {
      authorizations.forget(url, credential);
      throw new RegistryException(
          Failure.REFUSED,
          status + " for " + url.repository() + (credential.isEmpty() ? " (anonymous)" : ""));
    }
    if (status == 404) {
      throw RegistryException.manifestUnknown(url);
    }
    if (status / 100 == 3) {
      throw new RegistryException(
          Failure.ERROR,
          "registry redirected to "
              + Text.quote(response.headers().firstValue("Location").orElse("?"))
              + "; redirects are not followed");
    }
    throw new RegistryException(Failure.ERROR, "registry answered " + status);
  }

  private HttpResponse<String> send(ManifestUrl url, String method, Optional<String> auth) {
    var request =
        HttpRequest.newBuilder(url.uri())
            .timeout(requestTimeout)
            .header("Accept", ACCEPT)
            .method(method, HttpRequest.BodyPublishers.noBody());
    auth.ifPresent(value -> request.header("Authorization", value));
    return RegistryException.send(
        "registry", "manifest", http.obtain(), request.build(), SHA256, MAX_MANIFEST_BYTES);
  }

  /** For registries that omit the header: the sha256 of the manifest bytes, as the spec defines. */
  private String computed(ManifestUrl url, Optional<RegistryCredential> credential) {
    HttpResponse<String> response = authorized(url, "GET", credential);
    String computed = response.body();
    String declared = response.headers().firstValue("Docker-Content-Digest").orElse(computed);
    if (declared.startsWith("sha256:") && !declared.equals(computed)) {
      throw new RegistryException(
          Failure.ERROR,
          "manifest digest " + computed + " differs from the declared " + Text.quote(declared));
    }
    return computed;
  }

  /**
   * Only a well-formed digest may end up in a pod spec: checked with the image grammar, and of an
   * algorithm the kubelet pulls by. The grammar reads any algorithm; the kubelet parses images with
   * go-digest, which knows these three and refuses the rest ({@code InvalidImageName}): a pod
   * pinned to {@code md5:...} never started, where left as it was it would have run.
   */
  private static String checked(String digest, ImageReference image, ManifestUrl url) {
    String checked;
    try {
      checked =
          new ImageReference(image.domain(), image.path(), image.tag(), digest.trim()).digest();
    } catch (InvalidImageSyntaxException e) {
      throw new RegistryException(
          Failure.ERROR, "registry sent a malformed digest for " + url.repository());
    }
    String algorithm = checked.substring(0, checked.indexOf(':'));
    if (!PULLABLE_ALGORITHMS.contains(algorithm)) {
      throw new RegistryException(
          Failure.ERROR,
          "registry sent a digest the kubelet cannot pull for "
              + url.repository()
              + " (sha256, sha384 and sha512 only): "
              + Text.quote(algorithm));
    }
    return checked;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
