package dev.pullsecret.webhook.image;

import dev.pullsecret.webhook.glob.Glob;
import dev.pullsecret.webhook.text.Text;
import java.util.OptionalInt;

/** The checks of {@link RegistryPattern#parse}, each returning why a pattern is invalid or null. */
final class PatternSyntax {

  private PatternSyntax() {}

  /** Why a non-blank pattern, split at its first {@code /}, is invalid; {@code null} if valid. */
  static String problem(String pattern, String hostAndPort, String path) {
    if (ReferenceGrammar.hasWhitespace(pattern)) {
      return "must not contain whitespace";
    }
    if (pattern.contains("://")) {
      return "must not include a scheme";
    }
    if (pattern.indexOf('@') >= 0) {
      return "must not include a digest";
    }
    if (pattern.endsWith("/")) {
      return "must not end with '/'";
    }
    String problem = hostAndPortProblem(hostAndPort);
    return problem != null || path.isEmpty() ? problem : pathProblem(path);
  }

  private static String hostAndPortProblem(String hostAndPort) {
    int hostEnd = ReferenceGrammar.hostEnd(hostAndPort);
    String host = hostAndPort.substring(0, hostEnd);
    if (host.isEmpty()) {
      return hostAndPort.startsWith("[") ? "invalid IPv6 host" : "registry host is missing";
    }
    boolean hasPort = hostEnd < hostAndPort.length();
    if (hasPort) {
      String port = hostAndPort.substring(hostEnd + 1);
      if (hostAndPort.charAt(hostEnd) != ':') {
        return "invalid host " + Text.quote(hostAndPort);
      }
      if (port.indexOf('*') >= 0) {
        return "globs are not allowed in the port";
      }
      if (!ReferenceGrammar.isPort(port, 1)) {
        return "port must be a number from 1 to " + ReferenceGrammar.MAX_PORT;
      }
    }
    if (host.startsWith("[")) {
      return ReferenceGrammar.IPV6_LITERAL.matcher(host).matches()
          ? null
          : "invalid IPv6 host " + Text.quote(host);
    }
    for (String label : host.split("\\.", -1)) {
      String problem = labelProblem(host, label);
      if (problem != null) {
        return problem;
      }
    }
    if (!hasPort && host.indexOf('*') < 0 && !ReferenceGrammar.looksLikeDomain(host)) {
      return Text.quote(host)
          + " is read as a Docker Hub namespace in image references, so it would never match;"
          + " for Docker Hub write docker.io/"
          + host;
    }
    return null;
  }

  private static String labelProblem(String host, String label) {
    if (label.isEmpty()) {
      return "host " + Text.quote(host) + " has an empty label";
    }
    OptionalInt invalid =
        label
            .chars()
            .filter(c -> c >= 128 || !Character.isLetterOrDigit(c) && c != '-' && c != '*')
            .findFirst();
    if (invalid.isPresent()) {
      return "invalid character "
          + Text.quote(Character.toString(invalid.getAsInt()))
          + " in host "
          + Text.quote(host);
    }
    if (label.length() > Glob.MAX_TOKENS) {
      return "host label " + Text.quote(label) + " is longer than 63 characters";
    }
    if (label.startsWith("-") || label.endsWith("-")) {
      return "host label " + Text.quote(label) + " must not start or end with '-'";
    }
    return null;
  }

  /** A repository path as image references have it (their messages), without globs or a tag. */
  private static String pathProblem(String path) {
    if (path.indexOf('*') >= 0) {
      return "globs are not allowed in the path";
    }
    if (path.indexOf(':') >= 0) {
      return "must not include a tag";
    }
    return ReferenceGrammar.pathProblem(path);
  }
}
