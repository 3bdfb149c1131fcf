package dev.pullsecret.webhook.credentials;

import dev.pullsecret.webhook.glob.Glob;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A registry host split as the kubelet splits it before matching ({@code splitURL} in
 * pkg/credentialprovider/keyring.go): Go's {@code net.SplitHostPort}, and on its failure the whole
 * text as host without port; then the host split on dots. So {@code [::1]:5000} is the one label
 * {@code ::1} with port {@code 5000}, while {@code [::1]} stays {@code [::1]}.
 *
 * @param labels the host's labels, as written (the kubelet compares case-sensitively)
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

  /**
   * Whether every host that {@code target} (an image's host, or a registry pattern's with {@code
   * *}) stands for is matched by this one as a glob, label by label ({@code URLsMatch}): same
   * number of labels, same port.
   */
  boolean covers(HostPort target) {
    return port.equals(target.port)
        && labels.size() == target.labels.size()
        && IntStream.range(0, labels.size())
            .allMatch(i -> labelCovers(labels.get(i), target.labels.get(i)));
  }

  /**
   * Go's {@code filepath.Match} of one label, for the only wildcard that can reach a host in an
   * auths key: {@code *}, any run of characters, case-sensitive like Go ({@code ?} starts a URL
   * query and {@code \} is refused in a host). A {@code *} in the target, a registry pattern's, is
   * taken by no literal of the glob, only by its {@code *}: {@code *} covers {@code *}, {@code eu*}
   * does not. Compiled when needed, not kept: a secret may hold a thousand keys of many labels, and
   * a compiled glob takes a kilobyte.
   */
  private static boolean labelCovers(String label, String target) {
    return label.indexOf('*') < 0 ? label.equals(target) : Glob.compile(label).matches(target);
  }
}
