package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.tls.issuing.CertificateGenerator;
import dev.pullsecret.webhook.tls.issuing.CertificateSpec;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import dev.pullsecret.webhook.tls.serving.ServingIdentity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code certs}: for installs without Helm-generated certificates or cert-manager. */
@Command(
    name = "certs",
    header =
        "generate a CA and the webhook's TLS serving certificate (tls.crt, tls.key, ca.crt,"
            + " caBundle.b64)")
public final class CertsCommand extends CliCommand {

  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:@%+=,-]+");

  @Option(names = "--service", paramLabel = "NAME")
  String service = "pullsecret-webhook";

  @Option(names = "--namespace", paramLabel = "NS")
  String namespace = "pullsecret-webhook";

  @Option(names = "--dns", paramLabel = "NAME")
  List<String> dnsNames = new ArrayList<>();

  @Option(names = "--ip", paramLabel = "ADDR")
  List<String> ipAddresses = new ArrayList<>();

  // One year: long enough not to be a chore, short enough that rotation stays a known routine.
  @Option(names = "--validity-days", paramLabel = "N", converter = ValidityDays.class)
  int validityDays = 365;

  @Option(
      names = "--key-algorithm",
      paramLabel = "ALG",
      converter = KeyAlgorithms.class,
      completionCandidates = KeyAlgorithms.class)
  KeyAlgorithm keyAlgorithm = KeyAlgorithm.DEFAULT;

  @Option(names = "--out", paramLabel = "DIR")
  Path dir = Path.of("certs", "out");

  @Option(names = "--force")
  boolean force;

  /** The certificates' start of validity; tests give their own. */
  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    CertificateSpec spec;
    try { // names and addresses: a bad one is a usage error, before anything is made
      spec =
          new CertificateSpec(
              service,
              namespace,
              dnsNames,
              ipAddresses,
              Duration.ofDays(validityDays),
              keyAlgorithm);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    try {
      List<Path> written = PemFiles.write(CertificateGenerator.generate(spec, clock), dir, force);
      // Read back through the loader: checks what was actually written, not what was meant.
      ServingIdentity identity =
          ServingIdentity.load(dir.resolve(PemFiles.TLS_CRT), dir.resolve(PemFiles.TLS_KEY), clock);
      report(spec, identity, written);
      return 0;
    } catch (FileAlreadyExistsException e) {
      err()
          .printf(
              "certs: %s already exists; pass --force to replace the files in %s%n",
              e.getFile(), dir);
    } catch (IOException e) {
      err().println("certs: cannot write to " + dir + ": " + describe(e));
    } catch (RuntimeException e) {
      err().println("certs: " + e.getMessage());
    }
    return 1;
  }

  static final class ValidityDays implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        int days = Integer.parseInt(value);
        if (days > 0) {
          return days;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new TypeConversionException(
          "--validity-days must be a positive whole number of days, got '" + value + "'");
    }
  }

  /** {@code --key-algorithm}: the accepted spellings, also offered by shell completion. */
  static final class KeyAlgorithms implements ITypeConverter<KeyAlgorithm>, Iterable<String> {
    @Override
    public KeyAlgorithm convert(String value) {
      try {
        return KeyAlgorithm.fromCliName(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("--key-algorithm: " + e.getMessage());
      }
    }

    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(KeyAlgorithm.values()).map(KeyAlgorithm::cliName).iterator();
    }
  }

  private void report(CertificateSpec spec, ServingIdentity identity, List<Path> written) {
    PrintWriter out = out();
    out.println("Wrote a new CA and serving certificate to " + dir + ":");
    String[] what = {
      "serving certificate",
      "serving private key (" + spec.keyAlgorithm().cliName() + ", PKCS#8, owner-only)",
      "CA certificate (its private key is not kept)",
      "base64 of ca.crt: the webhook caBundle"
    };
    int width = written.stream().mapToInt(p -> p.toString().length()).max().orElse(0);
    for (int i = 0; i < written.size(); i++) {
      out.printf("  %-" + width + "s  %s%n", written.get(i), what[i]);
    }
    out.println("Subject alternative names:");
    spec.dnsNames().forEach(name -> out.println("  DNS:" + name));
    spec.ipAddresses().forEach(ip -> out.println("  IP:" + ip.getHostAddress()));
    out.printf(
        """
        Valid until: %s (%d days)
        SHA-256 fingerprint: %s

        Next steps (see certs/README.md):
          kubectl -n %s create secret generic %s-tls --type=kubernetes.io/tls \\
            --from-file=%s --from-file=%s --from-file=%s
          helm upgrade --install pullsecret-webhook charts/pullsecret-webhook -n %s \\
            --set webhook.caBundle="$(cat %s)"
        """,
        identity.notAfter(),
        spec.validity().toDays(),
        identity.fingerprintSha256(),
        spec.namespace(),
        spec.serviceName(),
        quote(dir.resolve(PemFiles.TLS_CRT)),
        quote(dir.resolve(PemFiles.TLS_KEY)),
        quote(dir.resolve(PemFiles.CA_CRT)),
        spec.namespace(),
        quote(dir.resolve(PemFiles.CA_BUNDLE)));
  }

  private static String describe(IOException e) {
    return switch (e) {
      case AccessDeniedException denied -> "permission denied: " + denied.getFile();
      case NotDirectoryException notDir -> notDir.getFile() + " is not a directory";
      case FileSystemException fs when fs.getReason() != null ->
          fs.getFile() + ": " + fs.getReason();
      default -> String.valueOf(e.getMessage());
    };
  }

  /** Paths are printed as commands to copy; quote those the shell would split or expand. */
  private static String quote(Path path) {
    String text = path.toString();
    return SHELL_SAFE.matcher(text).matches() ? text : "'" + text.replace("'", "'\\''") + "'";
  }
}
