package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.tls.KeyAlgorithm;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** The parsed command line of {@link CertsCommand}; parsing only, no validation of names. */
record CertsOptions(
    boolean help,
    String service,
    String namespace,
    List<String> dnsNames,
    List<String> ipAddresses,
    int validityDays,
    KeyAlgorithm keyAlgorithm,
    Path out,
    boolean force) {

  static final String DEFAULT_SERVICE = "pullsecret-webhook";
  static final String DEFAULT_NAMESPACE = "pullsecret-webhook";
  static final int DEFAULT_VALIDITY_DAYS = 365;
  static final Path DEFAULT_OUT = Path.of("certs", "out");

  private static final Set<String> VALUE_OPTIONS =
      Set.of(
          "--service",
          "--namespace",
          "--dns",
          "--ip",
          "--validity-days",
          "--key-algorithm",
          "--out");

  static CertsOptions parse(List<String> args) throws UsageException {
    if (args.contains("--help") || args.contains("-h")) {
      return new CertsOptions(
          true, null, null, List.of(), List.of(), 0, KeyAlgorithm.DEFAULT, DEFAULT_OUT, false);
    }
    CommandLine line =
        CommandLine.parse(args, VALUE_OPTIONS, Set.of("--dns", "--ip"), Set.of("--force"));
    if (!line.positionals().isEmpty()) {
      throw new UsageException("unexpected argument '" + line.positionals().getFirst() + "'");
    }
    return new CertsOptions(
        false,
        line.value("--service").orElse(DEFAULT_SERVICE),
        line.value("--namespace").orElse(DEFAULT_NAMESPACE),
        line.values("--dns"),
        line.values("--ip"),
        line.value("--validity-days").isPresent()
            ? days(line.value("--validity-days").get())
            : DEFAULT_VALIDITY_DAYS,
        line.value("--key-algorithm").isPresent()
            ? keyAlgorithm(line.value("--key-algorithm").get())
            : KeyAlgorithm.DEFAULT,
        line.value("--out").map(Path::of).orElse(DEFAULT_OUT),
        line.flag("--force"));
  }

  private static int days(String value) throws UsageException {
    try {
      int days = Integer.parseInt(value);
      if (days > 0) {
        return days;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(
        "--validity-days must be a positive whole number of days, got '" + value + "'");
  }

  private static KeyAlgorithm keyAlgorithm(String value) throws UsageException {
    try {
      return KeyAlgorithm.fromCliName(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--key-algorithm: " + e.getMessage());
    }
  }
}
