package dev.pullsecret.webhook.tls.issuing;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Key types for generated certificates. ECDSA P-256 is the default: small, fast, and accepted by
 * every TLS client that calls a webhook (Go's crypto/tls, the JDK). RSA is there for environments
 * whose policies still require it.
 */
public enum KeyAlgorithm {
  ECDSA_P256("ecdsa-p256", "EC", 256),
  RSA_2048("rsa-2048", "RSA", 2048),
  RSA_3072("rsa-3072", "RSA", 3072),
  RSA_4096("rsa-4096", "RSA", 4096);

  public static final KeyAlgorithm DEFAULT = ECDSA_P256;

  private final String cliName;
  private final String jcaName;
  private final int bits;

  KeyAlgorithm(String cliName, String jcaName, int bits) {
    this.cliName = cliName;
    this.jcaName = jcaName;
    this.bits = bits;
  }

  /** The spelling used on the command line, e.g. {@code ecdsa-p256}. */
  public String cliName() {
    return cliName;
  }

  /** The JCA signature algorithm for certificates signed with a key of this type. */
  public String signatureAlgorithm() {
    return isRsa() ? "SHA256withRSA" : "SHA256withECDSA";
  }

  /** RSA keys may also encipher (TLS 1.2 RSA key exchange); EC keys only sign. */
  public boolean isRsa() {
    return jcaName.equals("RSA");
  }

  public KeyPair generateKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(jcaName);
      if (isRsa()) {
        generator.initialize(bits, random);
      } else {
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      // Every JDK ships RSA and P-256; reaching this means a broken runtime, not bad input.
      throw new IllegalStateException("JDK cannot generate " + cliName + " keys", e);
    }
  }

  /**
   * Parses the command-line spelling, case-insensitively.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static KeyAlgorithm fromCliName(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(a -> a.cliName.equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown key algorithm '" + name + "' (expected one of: " + cliNames() + ")"));
  }

  /** The accepted command-line spellings, comma separated, for error messages. */
  private static String cliNames() {
    return Arrays.stream(values()).map(KeyAlgorithm::cliName).collect(Collectors.joining(", "));
  }
}
