package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import dev.pullsecret.webhook.image.RegistryPattern;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a rule does to the images of its pods, beyond pull secrets; everything is off unless the
 * rule says so. Applied in this order: pin untagged and {@code :latest} images, send them to a
 * mirror (for {@code when: present}, one that holds them), resolve their tags to digests, decide
 * the pull policy; then pull secrets are matched against the rewritten images.
 */
public record ImageOptions(
    Optional<LatestPinning> pinLatest,
    List<RegistryMirror> mirrors,
    Optional<PullPolicyOverride> imagePullPolicy,
    Optional<DigestResolution> resolveDigests) {

  public static final ImageOptions NONE =
      new ImageOptions(Optional.empty(), List.of(), Optional.empty(), Optional.empty());

  public ImageOptions {
    mirrors = List.copyOf(mirrors);
  }

  public boolean isNone() {
    return equals(NONE);
  }

  /** Whether some mirror sends images only where it holds them ({@code when: present}). */
  public boolean hasConditionalMirrors() {
    return mirrors.stream().anyMatch(RegistryMirror::whenPresent);
  }

  /**
   * The mirrors that may take {@code image}, in the order they are tried: those whose {@code from}
   * matches it, up to the first that sends it unconditionally (it alone wins). An exclusion ends
   * the list where it is met: the image is not sent to that mirror nor to any after it. Empty when
   * no mirror takes the image; the image is kept when none of the conditional ones holds it.
   */
  public List<RegistryMirror> mirrorsFor(ImageReference image) {
    List<RegistryMirror> chain = new ArrayList<>(0);
    for (RegistryMirror mirror : mirrors) {
      if (!mirror.from().matches(image)) {
        continue;
      }
      if (mirror.exclude().stream().anyMatch(pattern -> pattern.matches(image))) {
        break;
      }
      chain.add(mirror);
      if (!mirror.whenPresent()) {
        break;
      }
    }
    return chain;
  }

  /** Whether the tag of {@code image} (as the pod will pull it) is to be resolved to a digest. */
  public boolean resolvesDigestOf(ImageReference image) {
    return resolveDigests.filter(resolution -> resolution.appliesTo(image)).isPresent();
  }

  /**
   * Tags for images without a tag or tagged {@code latest} (and without a digest).
   *
   * @param defaultTag the tag for repositories not listed; null leaves them alone
   * @param repositories tag per repository, keyed by the normalised repository ({@code
   *     docker.io/library/nginx} for {@code nginx})
   */
  public record LatestPinning(String defaultTag, Map<String, String> repositories) {

    public LatestPinning {
      repositories = Collections.unmodifiableMap(new LinkedHashMap<>(repositories));
    }

    public Optional<String> tagFor(ImageReference image) {
      return Optional.ofNullable(repositories.getOrDefault(image.repository(), defaultTag));
    }
  }

  /**
   * Sends images of a registry (and path prefix) to a mirror: {@code docker.io} to {@code
   * mirror.example.com/dockerhub} turns {@code nginx:1.27} into {@code
   * mirror.example.com/dockerhub/library/nginx:1.27}; tag and digest are kept.
   *
   * @param whenPresent send an image only if the mirror answers its manifest ({@code when:
   *     present}); otherwise always ({@code when: always}, the default)
   * @param exclude images of {@code from} never sent to this mirror ({@link #mirrorsFor})
   */
  public record RegistryMirror(
      RegistryPattern from,
      String toDomain,
      String toPath,
      boolean whenPresent,
      List<RegistryPattern> exclude) {

    public RegistryMirror {
      exclude = List.copyOf(exclude);
    }

    /**
     * The image at the mirror; empty when {@code from} does not match it (exclusions aside), or
     * when its name there would not be an image reference (a path near the limit of 255 characters
     * that the mirror's own path makes longer: any pod may carry one, it is no internal error).
     */
    public Optional<ImageReference> rewrite(ImageReference image) {
      if (!from.matches(image)) {
        return Optional.empty();
      }
      String rest =
          from.path().isEmpty() ? image.path() : image.path().substring(from.path().length());
      rest = rest.startsWith("/") ? rest.substring(1) : rest;
      String path = toPath.isEmpty() ? rest : rest.isEmpty() ? toPath : toPath + "/" + rest;
      try {
        return Optional.of(new ImageReference(toDomain, path, image.tag(), image.digest()));
      } catch (InvalidImageSyntaxException e) {
        return Optional.empty();
      }
    }

    public String target() {
      return toPath.isEmpty() ? toDomain : toDomain + "/" + toPath;
    }
  }

  /**
   * Sets {@code imagePullPolicy}, e.g. {@code IfNotPresent} to stop needless pulls.
   *
   * @param includeDigestPinned also set it on images pinned by digest (left alone by default: their
   *     content cannot change, and the user chose their policy)
   */
  public record PullPolicyOverride(String policy, boolean includeDigestPinned) {}

  /**
   * Resolves the tag of each image (after pin and mirror) to the digest the registry serves now,
   * and writes {@code repo:tag@sha256:...}: the tag for humans, the digest for the kubelet.
   *
   * @param registries only images of these registries are looked up; empty for every registry
   * @param denyOnFailure refuse the pod when a lookup fails (the default admits it unchanged, with
   *     a warning): every pod of the rule then depends on the registry being up and fast
   */
  public record DigestResolution(List<RegistryPattern> registries, boolean denyOnFailure) {

    public DigestResolution {
      registries = List.copyOf(registries);
    }

    /** Images already pinned by digest are never looked up. */
    public boolean appliesTo(ImageReference image) {
      return !image.hasDigest()
          && (registries.isEmpty() || registries.stream().anyMatch(r -> r.matches(image)));
    }
  }
}
