package dev.pullsecret.webhook.credentials;

import dev.pullsecret.webhook.credentials.Problem.Code;
import dev.pullsecret.webhook.glob.Glob;
import dev.pullsecret.webhook.image.DockerHub;
import dev.pullsecret.webhook.text.Text;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * An auths key read as the kubelet reads it ({@code BasicDockerKeyring.Add} in
 * pkg/credentialprovider/keyring.go): {@code https://} is prepended unless the key starts with
 * {@code https://} or {@code http://}, the result is parsed as a URL, a leading {@code /v1} or
 * {@code /v2} is dropped from the path, and what remains is the index key {@code
 * host[:port][path]}. So {@code https://index.docker.io/v1/} is {@code index.docker.io}, {@code
 * https://ghcr.io/v2/} is {@code ghcr.io}, and {@code registry.corp:5000/team} keeps its path.
 *
 * <p>Keys that Go's URL parser refuses are ignored by the kubelet; keys that it accepts but that no
 * image can ever be pulled with (a host with characters no image domain has, or a label longer than
 * DNS allows) are refused here too, so that both are reported rather than silently useless.
 *
 * @param indexKey the kubelet's index key, e.g. {@code index.docker.io}, {@code gcr.io/project}
 * @param hostPort the host labels and port that globs are matched against
 * @param path the path prefix, {@code /team}; empty when the key has none
 */
record RegistryKey(String indexKey, HostPort hostPort, String path) {

  /** After the scheme: the authority (user info included), then the path (query, fragment off). */
  private static final Pattern AUTHORITY_AND_PATH = Pattern.compile("([^/?#]*)([^?#]*)");

  /** What a host may hold: no image domain has other characters; {@code *} is a key's glob. */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._*-]+");

  /**
   * A DNS name's: an image's registry is never longer. A key's labels are kept with the source: a
   * Secret of 1 MiB of {@code a.a.a...} keys took ~19 MB, now at most ~8 MB (1,000 keys of 253).
   */
  private static final int MAX_HOST_LENGTH = 253;

  /** {@code [address]} or {@code [address]:port}. */
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]+](?::.*)?", Pattern.DOTALL);

  /** Parses the key; null, with the reason among the problems, when the kubelet ignores it. */
  static RegistryKey read(String key, List<Problem> problems) {
    String url = key.startsWith("https://") || key.startsWith("http://") ? key : "https://" + key;
    Matcher parts = AUTHORITY_AND_PATH.matcher(url.substring(url.indexOf("://") + 3));
    parts.lookingAt();
    String authority = parts.group(1).substring(parts.group(1).lastIndexOf('@') + 1); // Go drops it
    String path = decodePath(parts.group(2));
    HostPort hostPort = HostPort.split(authority);
    String problem = problem(key, authority, hostPort, path);
    if (problem != null) {
      problems.add(
          new Problem(
              Code.INVALID_REGISTRY_KEY,
              """
              auths key %s %s, so the kubelet never uses it; write the registry as in image \
              names: host[:port][/path], e.g. registry.example.com:5000"""
                  .formatted(display(key), problem)));
      return null;
    }
    // "The docker client allows exact matches [...] It also considers /v2/ and /v1/ equivalent to
    // the hostname" (keyring.go)
    if (path.startsWith("/v1/") || path.startsWith("/v2/")) {
      path = path.substring(3);
    }
    if (path.equals("/")) {
      path = "";
    }
    // a spelling of Docker Hub that the lookup of Docker Hub images never reaches (DockerConfig)
    String host = String.join(".", hostPort.labels());
    boolean used = (authority + path).equals(DockerHub.INDEX) || host.equals(DockerHub.DOMAIN);
    if (DockerHub.isHost(host) && hostPort.port().isEmpty() && !used) {
      String write =
          Text.quote(DockerHub.DOMAIN + path)
              + (path.isEmpty() ? " or " + Text.quote(DockerHub.CONFIG_KEY) : "");
      problems.add(
          new Problem(
              Code.DOCKER_HUB_KEY_NOT_USED,
              """
              auths key %s is never used for Docker Hub images: the kubelet looks them up as \
              docker.io/..., falling back only to %s; write %s instead"""
                  .formatted(display(key), DockerHub.CONFIG_KEY, write)));
    }
    return new RegistryKey(authority + path, hostPort, path);
  }

  /**
   * Whether the kubelet would use this key ({@code URLsMatch}) for every image on {@code target}
   * under {@code targetPath}: an image's own host and path ({@code /team/app}), or a registry
   * pattern's (a host with {@code *}; a path empty for any, else a prefix on segment boundaries,
   * {@code /team}), matched as {@link DockerConfig} says.
   */
  boolean covers(HostPort target, String targetPath) {
    List<String> labels = hostPort.labels();
    return hostPort.port().equals(target.port())
        && labels.size() == target.labels().size()
        && IntStream.range(0, labels.size())
            .allMatch(i -> labelCovers(labels.get(i), target.labels().get(i)))
        && (targetPath.isEmpty() ? path.isEmpty() : targetPath.startsWith(path));
  }

  /**
   * Go's {@code filepath.Match} of one label, for the only wildcard that can reach a host in an
   * auths key: {@code *}, any run of characters ({@code ?} starts a URL query and {@code \} is
   * refused in a host). A {@code *} in the target, a registry pattern's, is taken by no literal of
   * the glob, only by its {@code *}: {@code *} covers {@code *}, {@code eu*} does not. Compiled
   * when needed, not kept: a secret may hold a thousand keys of many labels, and a compiled glob
   * takes a kilobyte.
   */
  private static boolean labelCovers(String label, String target) {
    return label.indexOf('*') < 0 ? label.equals(target) : Glob.compile(label).matches(target);
  }

  /** The key quoted for a message, with any user info ({@code user:pass@}) hidden. */
  static String display(String key) {
    int at = key.lastIndexOf('@');
    if (at < 0) {
      return Text.quote(key);
    }
    int scheme = key.indexOf("://");
    int start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
    return Text.quote(key.substring(0, start) + "***@" + key.substring(at + 1));
  }

  /** The key as {@link #display(String)} shows it: a key may carry user info, a credential. */
  @Override
  public String toString() {
    return "RegistryKey[" + display(indexKey) + "]";
  }

  /** The first reason why Go's URL parser refuses the key or no image can be pulled with it. */
  private static String problem(String written, String authority, HostPort split, String path) {
    if (written.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return "contains a control character";
    }
    if (!written.startsWith("https://")
        && !written.startsWith("http://")
        && written.contains("://")) {
      return "has a scheme other than https:// or http://";
    }
    if (path == null) {
      return "has an invalid %-escape in its path";
    }
    boolean ipv6 = authority.startsWith("[");
    if (ipv6 && !IPV6.matcher(authority).matches()) {
      return "has an invalid IPv6 host";
    }
    if (!ipv6 && authority.indexOf(':') != authority.lastIndexOf(':')) {
      return "has more than one ':' in its host";
    }
    if (!split.port().matches("[0-9]*")) {
      return "has a port that is not a number";
    }
    if (ipv6) {
      return null;
    }
    String host = String.join(".", split.labels());
    if (host.isEmpty()) {
      return "has no registry host";
    }
    if (host.length() > MAX_HOST_LENGTH) {
      return "has a host longer than " + MAX_HOST_LENGTH + " characters, as no image's is";
    }
    if (!HOST.matcher(host).matches()) {
      return "has a character that no registry host has";
    }
    if (split.labels().stream().anyMatch(label -> label.length() > Glob.MAX_TOKENS)) {
      return "has a host label longer than " + Glob.MAX_TOKENS + " characters";
    }
    return null;
  }

  /** Go's {@code url.Parse} unescapes the path; null for a malformed escape, which it refuses. */
  private static String decodePath(String path) {
    try {
      // URLDecoder is for forms, where '+' is a space; in a path it is itself.
      return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * A registry host split as the kubelet splits it before matching ({@code splitURL} in
   * pkg/credentialprovider/keyring.go): Go's {@code net.SplitHostPort}, and on its failure the
   * whole text as host without port; then the host split on dots. So {@code [::1]:5000} is the one
   * label {@code ::1} with port {@code 5000}, while {@code [::1]} stays {@code [::1]}.
   *
   * @param labels the host's labels, as written
   * @param port the port as written, empty when there is none
   */
  record HostPort(List<String> labels, String port) {

    static HostPort split(String authority) {
      String host = authority;
      String port = "";
      if (authority.startsWith("[")) {
        int close = authority.indexOf(']');
        if (close > 0 && close + 1 < authority.length() && authority.charAt(close + 1) == ':') {
          host = authority.substring(1, close);
          port = authority.substring(close + 2);
        }
      } else {
        int colon = authority.indexOf(':');
        if (colon >= 0 && colon == authority.lastIndexOf(':')) {
          host = authority.substring(0, colon);
          port = authority.substring(colon + 1);
        }
      }
      return new HostPort(List.of(host.split("\\.", -1)), port);
    }
  }
}
