package dev.pullsecret.webhook.image;

import java.util.OptionalInt;

/** TEMPORARY stand-in, replaced by the full grammar implementation from branch image. */
public record ImageReference(String domain, String path, String tag, String digest) {

  public static ImageReference parse(String reference) {
    if (reference == null || reference.isBlank()) {
      throw new InvalidImageReferenceException("invalid image reference \"\": empty");
    }
    String rest = reference;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    int slash = rest.indexOf('/');
    String domain = "docker.io";
    String path = rest;
    if (slash >= 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        domain = first.equals("index.docker.io") ? "docker.io" : first;
        path = rest.substring(slash + 1);
      }
    }
    if (domain.equals("docker.io") && !path.contains("/")) {
      path = "library/" + path;
    }
    if (!path.equals(path.toLowerCase())) {
      throw new InvalidImageReferenceException(
          "invalid image reference \"" + reference + "\": repository name must be lowercase");
    }
    return new ImageReference(domain, path, tag, digest);
  }

  public String host() {
    int colon = domain.lastIndexOf(':');
    return colon > domain.lastIndexOf(']') ? domain.substring(0, colon) : domain;
  }

  public OptionalInt port() {
    int colon = domain.lastIndexOf(':');
    return colon > domain.lastIndexOf(']')
        ? OptionalInt.of(Integer.parseInt(domain.substring(colon + 1)))
        : OptionalInt.empty();
  }

  @Override
  public String toString() {
    return domain
        + "/"
        + path
        + (tag == null ? "" : ":" + tag)
        + (digest == null ? "" : "@" + digest);
  }
}
