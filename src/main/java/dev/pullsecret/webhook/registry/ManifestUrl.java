package dev.pullsecret.webhook.registry;

import dev.pullsecret.webhook.image.DockerHub;
import dev.pullsecret.webhook.image.ImageReference;
import java.net.URI;

/**
 * Where the manifest of an image is asked for: {@code https://<registry>/v2/<name>/manifests/<tag>}
 * (OCI Distribution Spec, "Pulling manifests").
 *
 * <p>As the container runtimes do, Docker Hub's images are asked of {@link DockerHub#API}, official
 * ones under {@code library/} (added by {@link ImageReference} on {@code docker.io}, and here for
 * {@code registry-1.docker.io/nginx}). An untagged image is looked up as {@code latest}, as the
 * runtime would pull it; an image pinned by digest is asked for by its digest (as a mirror is asked
 * whether it holds it), which the runtime pulls whatever the tag.
 *
 * @param registry scheme, host and port, e.g. {@code https://registry-1.docker.io}
 * @param repository the repository name on that registry, e.g. {@code library/nginx}
 * @param reference the tag looked up, or the digest
 */
record ManifestUrl(String registry, String repository, String reference) {

  static ManifestUrl of(ImageReference image) {
    String host = image.isDockerHub() ? DockerHub.API : image.domain();
    String path = image.path();
    if (host.equalsIgnoreCase(DockerHub.API) && path.indexOf('/') < 0) {
      path = DockerHub.OFFICIAL_NAMESPACE + path;
    }
    String reference =
        image.hasDigest() ? image.digest() : image.hasTag() ? image.tag() : ImageReference.LATEST;
    return new ManifestUrl("https://" + host, path, reference);
  }

  URI uri() {
    return URI.create(registry + "/v2/" + repository + "/manifests/" + reference);
  }

  /** The manifest as people write it: {@code team/web:2.1}, or {@code team/web@sha256:...}. */
  String manifest() {
    // A tag has no ':', a digest always does (algorithm:hex).
    return repository + (reference.indexOf(':') < 0 ? ":" : "@") + reference;
  }
}
