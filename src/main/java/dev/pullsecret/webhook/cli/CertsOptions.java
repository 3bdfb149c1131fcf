package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.tls.KeyAlgorithm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
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

  /** A command line that cannot be run; the message is shown as is. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  static CertsOptions parse(List<String> args) throws UsageException {
    if (args.contains("--help") || args.contains("-h")) {
      return new CertsOptions(
          true, null, null, List.of(), List.of(), 0, KeyAlgorithm.DEFAULT, DEFAULT_OUT, false);
    }
    String service = DEFAULT_SERVICE;
    String namespace = DEFAULT_NAMESPACE;
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    int validityDays = DEFAULT_VALIDITY_DAYS;
    KeyAlgorithm algorithm = KeyAlgorithm.DEFAULT;
    Path out = DEFAULT_OUT;
    boolean force = false;
    Set<String> seen = new HashSet<>();

    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument '" + arg + "'");
      }
      int eq = arg.indexOf('=');
      String option = eq < 0 ? arg : arg.substring(0, eq);
      String inline = eq < 0 ? null : arg.substring(eq + 1);
      boolean repeatable = option.equals("--dns") || option.equals("--ip");
      if (!repeatable && !seen.add(option)) {
        throw new UsageException(option + " given more than once");
      }
      if (option.equals("--force")) {
        if (inline != null) {
          throw new UsageException("--force takes no value");
        }
        force = true;
        continue;
      }
      if (!List.of(
              "--service",
              "--namespace",
              "--dns",
              "--ip",
              "--validity-days",
              "--key-algorithm",
              "--out")
          .contains(option)) {
        throw new UsageException("unknown option '" + option + "'");
      }
      String value = inline;
      if (value == null) {
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
          throw new UsageException(option + " needs a value");
        }
        value = args.get(++i);
      }
      if (value.isEmpty()) {
        throw new UsageException(option + " needs a non-empty value");
      }
      switch (option) {
        case "--service" -> service = value;
        case "--namespace" -> namespace = value;
        case "--dns" -> dns.add(value);
        case "--ip" -> ips.add(value);
        case "--validity-days" -> validityDays = days(value);
        case "--key-algorithm" -> algorithm = keyAlgorithm(value);
        default -> out = Path.of(value); // --out
      }
    }
    return new CertsOptions(
        false, service, namespace, dns, ips, validityDays, algorithm, out, force);
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
