package dev.pullsecret.webhook.image;

import dev.pullsecret.webhook.glob.Glob;
import dev.pullsecret.webhook.text.Text;
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Which images a pull secret serves: {@code host[:port][/path]}, e.g. {@code *.pkg.dev}, {@code
 * registry.corp:5000/team}, {@code docker.io/bitnami}.
 *
 * <p>The semantics are those of {@code matchImages} of the kubelet credential providers, which
 * users know, made stricter. A {@code *} in a host label matches within that one label, and the
 * pattern and the image must have as many labels: {@code *.pkg.dev} matches {@code
 * europe-docker.pkg.dev} but neither {@code a.b.pkg.dev} nor {@code pkg.dev}; so a lone {@code *}
 * matches only single-label hosts such as {@code localhost}, never every image. Hosts compare
 * case-insensitively; IPv6 literals compare as written, without globs. As in the kubelet, the port
 * must be the same: a pattern without a port matches only images without a port. A path is a prefix
 * on segment boundaries ({@code team} matches {@code team} and {@code team/app}, not {@code
 * teamfoo}) where the kubelet compares plain strings; it is not normalised, so {@code
 * docker.io/nginx} is the namespace {@code nginx}, not {@code library/nginx}. The {@link DockerHub}
 * hosts are one registry, in patterns and in images. Globs in ports and paths are refused, as are
 * patterns that could never match an image ({@code bitnami}: references read it as a namespace).
 *
 * <p>Everything is checked and pre-split when parsing; {@link #matches} uses no regular expression
 * and allocates nothing, as it runs for every container of every Pod.
 */
public final class RegistryPattern {

  private static final int NO_PORT = -1;

  private final String pattern;
  private final boolean dockerHub;

  /** Lower-case, bracketed for IPv6. */
  private final String host;

  /** The host's labels compiled (possibly with {@code *}), matched ignoring case; none for IPv6. */
  private final Glob[] labels;

  private final int port;

  private final String path;

  /** Reads a pattern; an invalid one throws {@link InvalidImageSyntaxException}, saying why. */
  public static RegistryPattern parse(String pattern) {
    String problem = ReferenceGrammar.writtenProblem(pattern, "pattern");
    if (problem != null) {
      throw new InvalidImageSyntaxException("registry pattern", pattern, problem);
    }
    return new RegistryPattern(pattern);
  }

  private RegistryPattern(String pattern) {
    int slash = pattern.indexOf('/');
    String hostAndPort = slash < 0 ? pattern : pattern.substring(0, slash);
    this.path = slash < 0 ? "" : pattern.substring(slash + 1);
    int hostEnd = ReferenceGrammar.hostEnd(hostAndPort);
    String problem = problem(pattern, hostAndPort, hostEnd, path);
    if (problem != null) {
      throw new InvalidImageSyntaxException("registry pattern", pattern, problem);
    }
    this.pattern = pattern;
    this.host = hostAndPort.substring(0, hostEnd).toLowerCase(Locale.ROOT);
    this.port =
        hostEnd == hostAndPort.length()
            ? NO_PORT
            : Integer.parseInt(hostAndPort.substring(hostEnd + 1));
    this.dockerHub = port == NO_PORT && DockerHub.isHost(host);
    this.labels =
        host.startsWith("[")
            ? new Glob[0]
            : Arrays.stream(host.split("\\.")).map(Glob::compileIgnoringCase).toArray(Glob[]::new);
  }

  /** Why a pattern, split at its first {@code /}, is invalid; {@code null} if valid. */
  private static String problem(String pattern, String hostAndPort, int hostEnd, String path) {
    String host = hostAndPort.substring(0, hostEnd);
    boolean hasPort = hostEnd < hostAndPort.length();
    String port = hasPort ? hostAndPort.substring(hostEnd + 1) : "";
    if (pattern.indexOf('@') >= 0) {
      return "must not include a digest";
    }
    if (pattern.endsWith("/")) {
      return "must not end with '/'";
    }
    if (host.isEmpty()) {
      return hostAndPort.startsWith("[") ? "invalid IPv6 host" : "registry host is missing";
    }
    if (hasPort && hostAndPort.charAt(hostEnd) != ':') {
      return "invalid host " + Text.quote(hostAndPort);
    }
    if (port.indexOf('*') >= 0) {
      return "globs are not allowed in the port";
    }
    if (hasPort && !ReferenceGrammar.isPort(port, 1)) {
      return "port must be a number from 1 to " + ReferenceGrammar.MAX_PORT;
    }
    boolean ipv6 = host.startsWith("[");
    if (ipv6 && !ReferenceGrammar.IPV6_LITERAL.matcher(host).matches()) {
      return "invalid IPv6 host " + Text.quote(host);
    }
    for (String label : ipv6 ? new String[0] : host.split("\\.", -1)) {
      OptionalInt invalid =
          label
              .chars()
              .filter(c -> c >= 128 || !Character.isLetterOrDigit(c) && c != '-' && c != '*')
              .findFirst();
      if (label.isEmpty()) {
        return "host " + Text.quote(host) + " has an empty label";
      } else if (invalid.isPresent()) {
        return "invalid character "
            + Text.quote(Character.toString(invalid.getAsInt()))
            + " in host "
            + Text.quote(host);
      } else if (label.length() > Glob.MAX_TOKENS) {
        return "host label " + Text.quote(label) + " is longer than 63 characters";
      } else if (label.startsWith("-") || label.endsWith("-")) {
        return "host label " + Text.quote(label) + " must not start or end with '-'";
      }
    }
    if (!ipv6 && !hasPort && host.indexOf('*') < 0 && !ReferenceGrammar.looksLikeDomain(host)) {
      return Text.quote(host)
          + " is read as a Docker Hub namespace in image references, so it would never match;"
          + " for Docker Hub write docker.io/"
          + host;
    }
    if (path.isEmpty()) {
      return null;
    }
    // a repository path as image references have it (their messages), without globs or a tag
    if (path.indexOf('*') >= 0) {
      return "globs are not allowed in the path";
    }
    return path.indexOf(':') >= 0 ? "must not include a tag" : ReferenceGrammar.pathProblem(path);
  }

  /** Whether the image is on a registry, and under a path, that this pattern names. */
  public boolean matches(ImageReference image) {
    String domain = image.domain();
    int hostEnd = ReferenceGrammar.hostEnd(domain);
    return portMatches(domain, hostEnd)
        && hostMatches(domain, hostEnd)
        && pathMatches(image.path());
  }

  private boolean portMatches(String domain, int hostEnd) {
    return hostEnd == domain.length()
        ? port == NO_PORT
        : port == Integer.parseInt(domain, hostEnd + 1, domain.length(), 10);
  }

  private boolean hostMatches(String domain, int hostEnd) {
    if (dockerHub) {
      return DockerHub.isHost(domain, hostEnd);
    }
    boolean ipv6 = labels.length == 0;
    if (ipv6 || domain.charAt(0) == '[') {
      return ipv6 && hostEnd == host.length() && domain.regionMatches(true, 0, host, 0, hostEnd);
    }
    int start = 0;
    for (int i = 0; i < labels.length; i++) {
      boolean last = i == labels.length - 1;
      int dot = domain.indexOf('.', start, hostEnd);
      if (last != (dot < 0)) {
        return false; // the image host has fewer or more labels
      }
      int end = last ? hostEnd : dot;
      if (!labels[i].matches(domain, start, end)) {
        return false;
      }
      start = end + 1;
    }
    return true;
  }

  private boolean pathMatches(String imagePath) {
    return path.isEmpty()
        || (imagePath.startsWith(path)
            && (imagePath.length() == path.length() || imagePath.charAt(path.length()) == '/'));
  }

  /** How many labels the host has (none for IPv6): each is matched by a {@link Glob}. */
  public int hostLabels() {
    return labels.length;
  }

  /** The path prefix, empty for none: a mirror rewrite replaces the registry and this prefix. */
  public String path() {
    return path;
  }

  /** The pattern as written. */
  @Override
  public String toString() {
    return pattern;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegistryPattern other && pattern.equals(other.pattern);
  }

  @Override
  public int hashCode() {
    return pattern.hashCode();
  }
}
