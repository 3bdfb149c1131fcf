package dev.pullsecret.webhook.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * Pushes small images through the registry API itself (OCI Distribution Spec, "Pushing blobs" and
 * "Pushing manifests"): a config and a layer blob, a manifest per platform, and an index over them.
 * Every digest returned is the sha256 of the bytes sent, computed here, not read from the registry.
 */
final class ImagePusher {

  /** One manifest format: its media type and those of its config and layers. */
  enum Format {
    OCI(
        RegistryClient.OCI_MANIFEST,
        "application/vnd.oci.image.config.v1+json",
        "application/vnd.oci.image.layer.v1.tar+gzip",
        RegistryClient.OCI_INDEX),
    DOCKER(
        RegistryClient.DOCKER_MANIFEST,
        "application/vnd.docker.container.image.v1+json",
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
        RegistryClient.DOCKER_LIST);

    final String manifest;
    final String config;
    final String layer;
    final String index;

    Format(String manifest, String config, String layer, String index) {
      this.manifest = manifest;
      this.config = config;
      this.layer = layer;
      this.index = index;
    }
  }

  private final HttpClient http;
  private final String base;
  private final Function<String, String> authorization;
  private final Map<String, Integer> manifestSizes = new ConcurrentHashMap<>();

  /**
   * @param authorization the Authorization header for pushing to a repository
   */
  ImagePusher(SSLContext tls, String domain, Function<String, String> authorization) {
    this.http = HttpClient.newBuilder().sslContext(tls).build();
    this.base = "https://" + domain;
    this.authorization = authorization;
  }

  /** A one-layer image for one platform under {@code reference} (a tag or a digest). */
  String pushImage(String repository, String reference, Format format, String architecture) {
    byte[] config =
        """
        {"architecture":"%s","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"""
            .formatted(architecture)
            .getBytes(StandardCharsets.UTF_8);
    byte[] layer =
        ("layer of " + repository + " for " + architecture + " " + System.nanoTime())
            .getBytes(StandardCharsets.UTF_8);
    pushBlob(repository, config);
    pushBlob(repository, layer);
    String manifest =
        """
        {"schemaVersion":2,"mediaType":"%s",\
        "config":{"mediaType":"%s","digest":"%s","size":%d},\
        "layers":[{"mediaType":"%s","digest":"%s","size":%d}]}"""
            .formatted(
                format.manifest,
                format.config,
                digest(config),
                config.length,
                format.layer,
                digest(layer),
                layer.length);
    return pushManifest(repository, reference, format.manifest, manifest);
  }

  /** An index (or manifest list) of one image per architecture, tagged {@code tag}. */
  String pushIndex(String repository, String tag, Format format, List<String> architectures) {
    var entries = new StringBuilder();
    for (String architecture : architectures) {
      String manifest = pushImage(repository, "arch-" + architecture, format, architecture);
      int size = manifestSizes.get(manifest);
      if (!entries.isEmpty()) {
        entries.append(',');
      }
      entries.append(
          """
          {"mediaType":"%s","digest":"%s","size":%d,\
          "platform":{"architecture":"%s","os":"linux"}}"""
              .formatted(format.manifest, manifest, size, architecture));
    }
    String index =
        """
        {"schemaVersion":2,"mediaType":"%s","manifests":[%s]}"""
            .formatted(format.index, entries);
    return pushManifest(repository, tag, format.index, index);
  }

  private String pushManifest(String repository, String reference, String type, String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    String digest = digest(bytes);
    manifestSizes.put(digest, bytes.length);
    send(
        HttpRequest.newBuilder(URI.create(base + "/v2/" + repository + "/manifests/" + reference))
            .header("Content-Type", type)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)),
        repository,
        201);
    return digest;
  }

  private void pushBlob(String repository, byte[] blob) {
    HttpResponse<String> started =
        send(
            HttpRequest.newBuilder(URI.create(base + "/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()),
            repository,
            202);
    URI location = URI.create(base).resolve(started.headers().firstValue("Location").orElseThrow());
    String separator = location.getQuery() == null ? "?" : "&";
    send(
        HttpRequest.newBuilder(URI.create(location + separator + "digest=" + digest(blob)))
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)),
        repository,
        201);
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String repository, int expected) {
    request.header("Authorization", authorization.apply(repository));
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expected) {
        throw new IllegalStateException(
            "push to " + repository + ": " + response.statusCode() + " " + response.body());
      }
      return response;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String digest(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
