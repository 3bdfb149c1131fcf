package dev.pullsecret.webhook.tls.issuing;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a webhook serving certificate must cover. The API server calls a webhook Service at {@code
 * <svc>.<ns>.svc} and verifies that name against the certificate's subjectAltName, so the names are
 * derived from the Service rather than typed by hand.
 *
 * @param serviceName the webhook's Service name (a DNS-1035 label, as Kubernetes requires)
 * @param namespace the Service's namespace (a DNS-1123 label)
 * @param extraDnsNames further DNS SANs, e.g. for a URL-based webhook configuration
 * @param extraIpAddresses IP SANs (IPv4 dotted quad or IPv6), needed when the webhook is called by
 *     an IP URL
 * @param validity how long the certificate is valid from now
 * @param keyAlgorithm key type of both the CA and the serving certificate
 */
public record CertificateSpec(
    String serviceName,
    String namespace,
    List<String> extraDnsNames,
    List<String> extraIpAddresses,
    Duration validity,
    KeyAlgorithm keyAlgorithm) {

  // Labels of at most 63 characters.
  private static final String LABEL_TAIL = "([-a-z0-9]{0,61}[a-z0-9])?";
  private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]" + LABEL_TAIL);
  private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]" + LABEL_TAIL);
  private static final Pattern DNS_1123_SUBDOMAIN =
      Pattern.compile("(\\*\\.)?" + DNS_1123_LABEL + "(\\." + DNS_1123_LABEL + ")*");
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  // Leading zeros and short forms ("10", "1.2.3") are rejected, as Go's net.ParseIP does.
  private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");

  public CertificateSpec {
    requireLabel("service name", serviceName, DNS_1035_LABEL, "DNS-1035 label", "a letter");
    requireLabel("namespace", namespace, DNS_1123_LABEL, "DNS-1123 label", "a letter or digit");
    extraDnsNames = extras(extraDnsNames, "DNS", CertificateSpec::requireDnsName);
    extraIpAddresses = extras(extraIpAddresses, "IP", CertificateSpec::parseIp);
    Objects.requireNonNull(validity, "validity must not be null");
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive, got " + validity);
    }
    Objects.requireNonNull(keyAlgorithm, "keyAlgorithm must not be null");
  }

  /**
   * All DNS SANs: the four names the Service resolves as inside the cluster (short, namespaced,
   * {@code .svc}, fully qualified), then the extras; duplicates removed, order kept.
   */
  public List<String> dnsNames() {
    String svc = serviceHostName();
    return Stream.concat(
            Stream.of(serviceName, serviceName + "." + namespace, svc, svc + ".cluster.local"),
            extraDnsNames.stream())
        .distinct()
        .toList();
  }

  /** The IP SANs, parsed, duplicates (also differently spelled IPv6) removed, order kept. */
  public List<InetAddress> ipAddresses() {
    return extraIpAddresses.stream().map(CertificateSpec::parseIp).distinct().toList();
  }

  /** The name the API server uses for a Service reference; also the serving certificate's CN. */
  public String serviceHostName() {
    return serviceName + "." + namespace + ".svc";
  }

  private static void requireLabel(
      String what, String value, Pattern pattern, String kind, String start) {
    Objects.requireNonNull(value, what + " must not be null");
    if (!pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(
          String.format(
              "%s '%s' is not a valid %s: use at most 63 lowercase letters, digits and '-',"
                  + " starting with %s and ending with a letter or digit",
              what, value, kind, start));
    }
  }

  private static void requireDnsName(String name) {
    if (name.length() > 253 || !DNS_1123_SUBDOMAIN.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "DNS name '"
              + name
              + "' is not a valid DNS-1123 subdomain: use lowercase letters, digits, '-' and '.',"
              + " labels of at most 63 characters starting and ending with a letter or digit,"
              + " optionally a leading '*.'");
    }
  }

  private static InetAddress parseIp(String ip) {
    boolean ipv4 = IPV4.matcher(ip).matches();
    boolean ipv6 = ip.contains(":") && !ip.contains("%") && !ip.contains("[");
    if (ipv4 || ipv6) {
      try {
        return InetAddress.ofLiteral(ip);
      } catch (IllegalArgumentException e) {
        // fall through to the message below
      }
    }
    throw new IllegalArgumentException(
        "IP address '"
            + ip
            + "' is not a valid IP literal: use IPv4 dotted quad (10.0.0.1) or IPv6 (fd00::1),"
            + " without brackets, zone or leading zeros");
  }

  /** A copy of {@code values}, none null or blank, each {@code valid}; empty for null. */
  private static List<String> extras(List<String> values, String kind, Consumer<String> valid) {
    if (values == null) {
      return List.of();
    }
    if (values.stream().anyMatch(value -> value == null || value.isBlank())) {
      throw new IllegalArgumentException("extra " + kind + " entries must not be empty");
    }
    values.forEach(valid);
    return List.copyOf(values);
  }
}
