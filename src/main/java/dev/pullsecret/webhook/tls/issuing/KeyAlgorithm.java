package dev.pullsecret.webhook.tls.issuing;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Key types for generated certificates. ECDSA P-256 is the default: small, fast, and accepted by
 * every TLS client that calls a webhook (Go's crypto/tls, the JDK). RSA is there for environments
 * whose policies still require it.
 */
public enum KeyAlgorithm {
  ECDSA_P256(new ECGenParameterSpec("secp256r1")),
  RSA_2048(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4)),
  RSA_3072(new RSAKeyGenParameterSpec(3072, RSAKeyGenParameterSpec.F4)),
  RSA_4096(new RSAKeyGenParameterSpec(4096, RSAKeyGenParameterSpec.F4));

  public static final KeyAlgorithm DEFAULT = ECDSA_P256;

  private final AlgorithmParameterSpec parameters;

  KeyAlgorithm(AlgorithmParameterSpec parameters) {
    this.parameters = parameters;
  }

  /** The spelling used on the command line: the name in lower case, e.g. {@code ecdsa-p256}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The JCA signature algorithm for certificates signed with a key of this type. */
  public String signatureAlgorithm() {
    return isRsa() ? "SHA256withRSA" : "SHA256withECDSA";
  }

  /** RSA keys may also encipher (TLS 1.2 RSA key exchange); EC keys only sign. */
  public boolean isRsa() {
    return parameters instanceof RSAKeyGenParameterSpec;
  }

  public KeyPair generateKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(isRsa() ? "RSA" : "EC");
      generator.initialize(parameters, random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      // Every JDK ships RSA and P-256; reaching this means a broken runtime, not bad input.
      throw new IllegalStateException("JDK cannot generate " + cliName() + " keys", e);
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
        .filter(a -> a.cliName().equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown key algorithm '%s' (expected one of: %s)"
                        .formatted(
                            name,
                            Arrays.stream(values())
                                .map(KeyAlgorithm::cliName)
                                .collect(Collectors.joining(", ")))));
  }
}
