package dev.pullsecret.webhook.image;

import dev.pullsecret.webhook.text.Text;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The atoms of the image reference grammar of github.com/distribution/reference (regexp.go), and
 * the checks built from them. Each {@code ...Problem} method returns why a component is invalid, or
 * {@code null} when it is valid, so that callers can quote their own input in the message.
 */
final class ReferenceGrammar {

  /** The longest repository path (not the whole name), as distribution/reference v0.6. */
  private static final int MAX_PATH_LENGTH = 255;

  static final int MAX_PORT = 65535;

  /**
   * The longest registry host (a DNS name) and digest algorithm read: java.util.regex recurses once
   * per repetition of the grammar's groups (an image of 50,000 characters ended the request in a
   * StackOverflowError), so every component is checked for length before it is matched.
   */
  static final int MAX_HOST_LENGTH = 253;

  static final int MAX_ALGORITHM_LENGTH = 255;

  /** The longest digest hex read, twice sha512's: what is kept per image grows with it. */
  static final int MAX_HEX_LENGTH = 256;

  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern DOMAIN_NAME =
      Pattern.compile(
          "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*");
  static final Pattern IPV6_LITERAL = Pattern.compile("\\[[a-fA-F0-9:]+]");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
  private static final Pattern TAG = Pattern.compile("\\w[\\w.-]{0,127}");

  /** Lower case: the reference grammar allows upper case, go-digest does not; both must accept. */
  private static final Pattern DIGEST_ALGORITHM =
      Pattern.compile("[a-z][a-z0-9]*(?:[-_+.][a-z][a-z0-9]*)*");

  private static final Pattern DIGEST_HEX = Pattern.compile("[0-9a-fA-F]{32,}");
  static final Pattern LOWER_HEX = Pattern.compile("[0-9a-f]+");

  /** Algorithms go-digest registers, with the exact length of their lower-case hex encoding. */
  private static final Map<String, Integer> KNOWN_DIGEST_LENGTHS =
      Map.of("sha256", 64, "sha384", 96, "sha512", 128);

  private ReferenceGrammar() {}

  /** Whether a name's first component is its domain ({@code splitDockerDomain} of normalize.go). */
  static boolean looksLikeDomain(String component) {
    return component.equals("localhost")
        || component.indexOf('.') >= 0
        || component.indexOf(':') >= 0
        || hasUpperCase(component);
  }

  /** The index where the host of a {@code host[:port]} domain ends. */
  static int hostEnd(String domain) {
    if (domain.startsWith("[")) {
      return domain.indexOf(']') + 1;
    }
    int colon = domain.indexOf(':');
    return colon < 0 ? domain.length() : colon;
  }

  /** A port of one to five digits, from {@code min} to 65535. */
  static boolean isPort(String port, int min) {
    int value = PORT.matcher(port).matches() ? Integer.parseInt(port) : -1;
    return value >= min && value <= MAX_PORT;
  }

  private static boolean hasUpperCase(String s) {
    return s.chars().anyMatch(c -> c >= 'A' && c <= 'Z');
  }

  /** Why a {@code noun} (reference, pattern) as written is not one, or {@code null}. */
  static String writtenProblem(String s, String noun) {
    if (s == null || s.isBlank()) {
      return noun + " is empty";
    }
    if (s.chars().anyMatch(Character::isWhitespace)) {
      return "must not contain whitespace";
    }
    return s.contains("://") ? "must not include a scheme" : null;
  }

  static String domainProblem(String domain) {
    if (domain == null || domain.isEmpty()) {
      return "registry domain is missing";
    }
    if (domain.contains("://")) {
      return "registry domain must not include a scheme";
    }
    int hostEnd = hostEnd(domain);
    String host = domain.substring(0, hostEnd);
    if (host.length() > MAX_HOST_LENGTH) {
      return "registry host must not be more than " + MAX_HOST_LENGTH + " characters";
    }
    if (!(host.startsWith("[") ? IPV6_LITERAL : DOMAIN_NAME).matcher(host).matches()) {
      return "invalid registry domain " + Text.quote(domain);
    }
    if (hostEnd < domain.length()) {
      String port = domain.substring(hostEnd + 1);
      if (domain.charAt(hostEnd) != ':' || !isPort(port, 0)) {
        return "invalid port in registry domain " + Text.quote(domain);
      }
    }
    if (!looksLikeDomain(domain)) {
      return Text.quote(domain)
          + " would be read as a Docker Hub namespace, not a registry domain:"
          + " a domain needs a '.', a ':port', or to be localhost";
    }
    return null;
  }

  static String pathProblem(String path) {
    if (path == null || path.isEmpty()) {
      return "repository name is missing";
    }
    if (path.length() > MAX_PATH_LENGTH) {
      return "repository path must not be more than " + MAX_PATH_LENGTH + " characters";
    }
    for (String component : path.split("/", -1)) {
      if (component.isEmpty()) {
        return "repository path " + Text.quote(path) + " has an empty component";
      }
      if (!PATH_COMPONENT.matcher(component).matches()) {
        return hasUpperCase(component)
            ? "repository name must be lowercase"
            : "invalid repository path component " + Text.quote(component);
      }
    }
    return null;
  }

  static String tagProblem(String tag) {
    if (tag == null || TAG.matcher(tag).matches()) {
      return null;
    }
    if (tag.length() > 128) {
      return "tag must not be more than 128 characters";
    }
    return "invalid tag " + Text.quote(tag);
  }

  static String digestProblem(String digest) {
    if (digest == null) {
      return null;
    }
    int colon = digest.indexOf(':');
    if (colon < 0) {
      return "invalid digest " + Text.quote(digest) + ": expected algorithm:hex";
    }
    String algorithm = digest.substring(0, colon);
    String hex = digest.substring(colon + 1);
    if (algorithm.length() > MAX_ALGORITHM_LENGTH) {
      return "digest algorithm must not be more than " + MAX_ALGORITHM_LENGTH + " characters";
    }
    if (hex.length() > MAX_HEX_LENGTH) {
      return "digest must not be more than " + MAX_HEX_LENGTH + " hex characters";
    }
    if (!DIGEST_ALGORITHM.matcher(algorithm).matches()) {
      return "invalid digest algorithm " + Text.quote(algorithm);
    }
    Integer length = KNOWN_DIGEST_LENGTHS.get(algorithm);
    if (length != null) {
      return hex.length() == length && LOWER_HEX.matcher(hex).matches()
          ? null
          : "invalid " + algorithm + " digest: expected " + length + " lowercase hex characters";
    }
    return DIGEST_HEX.matcher(hex).matches()
        ? null
        : "invalid digest " + Text.quote(digest) + ": expected at least 32 hex characters";
  }
}
