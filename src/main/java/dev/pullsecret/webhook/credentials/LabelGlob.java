package dev.pullsecret.webhook.credentials;

/**
 * Go's {@code filepath.Match} of one host label, for the only wildcard that can reach a host in an
 * auths key: {@code *}, any run of characters, case-sensitive like Go. ({@code ?} starts a URL
 * query and {@code \} is refused in a host, so neither survives {@code url.Parse}.)
 */
final class LabelGlob {

  private LabelGlob() {}

  /**
   * Whether {@code glob} matches every label that {@code target} stands for. A {@code *} in the
   * target is a wildcard of a registry pattern, which only a {@code *} of the glob can absorb:
   * {@code *} covers {@code *}, {@code eu*} does not. With plain targets this is {@code
   * filepath.Match}.
   */
  static boolean covers(String glob, String target) {
    int g = 0;
    int t = 0;
    int star = -1;
    int targetAtStar = 0;
    while (t < target.length()) {
      if (g < glob.length() && glob.charAt(g) == '*') {
        star = g++;
        targetAtStar = t;
      } else if (g < glob.length()
          && glob.charAt(g) == target.charAt(t)
          && target.charAt(t) != '*') {
        g++;
        t++;
      } else if (star >= 0) {
        g = star + 1; // let the last star absorb one more character
        t = ++targetAtStar;
      } else {
        return false;
      }
    }
    while (g < glob.length() && glob.charAt(g) == '*') {
      g++;
    }
    return g == glob.length();
  }
}
