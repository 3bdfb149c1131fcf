package dev.pullsecret.webhook.image;

/**
 * A container image reference, as the kubelet and container runtimes read a Pod's {@code image}.
 *
 * <p>Parsing follows {@code ParseNormalizedNamed} of github.com/distribution/reference v0.6, the
 * library the kubelet uses: its grammar, and its Docker Hub normalisation ({@code nginx} is {@code
 * docker.io/library/nginx}, {@code index.docker.io} is {@code docker.io}). The first component of a
 * name is a registry domain only if it contains a {@code .} or a {@code :}, is {@code localhost},
 * or has an upper-case letter. Choices of our own, where the library is looser: sha256, sha384 and
 * sha512 digests are checked as go-digest does (exact length, lower-case hex), others by the
 * grammar only; a port is at most 65535; a first component with a {@code .} that is not a valid
 * domain ({@code foo_bar.com/app}) is refused, not taken for an empty domain.
 *
 * <p>Every instance is valid and canonical: the constructor checks and normalises its components,
 * so {@code parse(ref.toString())} equals {@code ref}. No {@code :latest} is ever invented: an
 * absent tag stays {@code null}.
 *
 * @param domain the registry host with an optional {@code :port}, e.g. {@code docker.io}, {@code
 *     localhost:5000}, {@code [::1]:5000}; host letters keep their case
 * @param path the repository path without the domain, e.g. {@code library/nginx}
 * @param tag the tag, or {@code null}
 * @param digest the digest as {@code algorithm:hex}, or {@code null}
 */
public record ImageReference(String domain, String path, String tag, String digest) {

  /** The tag the runtime pulls when an image names none. */
  public static final String LATEST = "latest";

  public ImageReference {
    if (DockerHub.INDEX.equals(domain)) {
      domain = DockerHub.DOMAIN;
    }
    if (DockerHub.DOMAIN.equals(domain)
        && path != null
        && !path.isEmpty()
        && path.indexOf('/') < 0) {
      path = DockerHub.OFFICIAL_NAMESPACE + path;
    }
    String problem = ReferenceGrammar.domainProblem(domain);
    problem = problem != null ? problem : ReferenceGrammar.pathProblem(path);
    problem = problem != null ? problem : ReferenceGrammar.tagProblem(tag);
    problem = problem != null ? problem : ReferenceGrammar.digestProblem(digest);
    if (problem != null) {
      throw new InvalidImageSyntaxException(
          "image reference", format(domain, path, tag, digest), problem);
    }
  }

  /**
   * Parses a reference as written in a Pod spec, e.g. {@code nginx}, {@code
   * registry.corp:5000/team/app:1.0@sha256:...}; {@code null}, blank or with whitespace, it is not.
   */
  public static ImageReference parse(String reference) {
    String problem = ReferenceGrammar.writtenProblem(reference, "reference");
    if (problem == null
        && reference.length() == 64
        && ReferenceGrammar.LOWER_HEX.matcher(reference).matches()) {
      problem = "a 64-character hexadecimal string is an image ID, not a repository name";
    }
    if (problem != null) {
      throw new InvalidImageSyntaxException("image reference", reference, problem);
    }
    String name = reference;
    String digest = null;
    String tag = null;
    int at = name.indexOf('@');
    if (at >= 0) {
      digest = name.substring(at + 1);
      name = name.substring(0, at);
    }
    int colon = name.indexOf(':', name.lastIndexOf('/') + 1);
    if (colon >= 0) {
      tag = name.substring(colon + 1);
      name = name.substring(0, colon);
    }
    String domain = DockerHub.DOMAIN;
    int slash = name.indexOf('/');
    if (slash >= 0 && ReferenceGrammar.looksLikeDomain(name.substring(0, slash))) {
      domain = name.substring(0, slash);
      name = name.substring(slash + 1);
    }
    try {
      return new ImageReference(domain, name, tag, digest);
    } catch (InvalidImageSyntaxException e) {
      throw new InvalidImageSyntaxException("image reference", reference, e.reason());
    }
  }

  /** The name without tag and digest: {@code domain/path}. */
  public String repository() {
    return domain + "/" + path;
  }

  /** Whether the image is on Docker Hub, i.e. the normalised domain is {@code docker.io}. */
  public boolean isDockerHub() {
    return DockerHub.DOMAIN.equals(domain);
  }

  public boolean hasTag() {
    return tag != null;
  }

  public boolean hasDigest() {
    return digest != null;
  }

  /**
   * Whether the runtime would resolve a moving tag: no digest, and no tag or the tag {@code latest}
   * (tags are case-sensitive, so {@code Latest} is not {@code latest}).
   */
  public boolean isUntaggedOrLatest() {
    return digest == null && (tag == null || tag.equals(LATEST));
  }

  /** The same reference with another tag, or none for {@code null}; a digest is kept. */
  public ImageReference withTag(String newTag) {
    return new ImageReference(domain, path, newTag, digest);
  }

  /** The canonical form {@code domain/path[:tag][@digest]}, which {@link #parse} reads back. */
  @Override
  public String toString() {
    return format(domain, path, tag, digest);
  }

  private static String format(String domain, String path, String tag, String digest) {
    StringBuilder s = new StringBuilder().append(domain).append('/').append(path);
    if (tag != null) {
      s.append(':').append(tag);
    }
    if (digest != null) {
      s.append('@').append(digest);
    }
    return s.toString();
  }
}
