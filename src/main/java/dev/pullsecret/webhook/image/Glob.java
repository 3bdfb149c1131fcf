package dev.pullsecret.webhook.image;

/** Matching of one host label against a glob where {@code *} matches any run of characters. */
final class Glob {

  private Glob() {}

  /**
   * Whether {@code glob} matches {@code text[start, end)}, ignoring ASCII case.
   *
   * @param glob lower case, with {@code *} for any run of characters, including none
   */
  static boolean matches(String glob, String text, int start, int end) {
    int g = 0;
    int t = start;
    int lastStar = -1;
    int textAtLastStar = start;
    while (t < end) {
      if (g < glob.length() && glob.charAt(g) == '*') {
        lastStar = g++;
        textAtLastStar = t;
      } else if (g < glob.length() && glob.charAt(g) == toLowerCase(text.charAt(t))) {
        g++;
        t++;
      } else if (lastStar >= 0) {
        g = lastStar + 1; // let the last star swallow one more character
        t = ++textAtLastStar;
      } else {
        return false;
      }
    }
    while (g < glob.length() && glob.charAt(g) == '*') {
      g++;
    }
    return g == glob.length();
  }

  private static char toLowerCase(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }
}
