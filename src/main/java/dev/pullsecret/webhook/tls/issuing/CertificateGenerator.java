package dev.pullsecret.webhook.tls.issuing;

import static org.bouncycastle.asn1.x509.GeneralName.dNSName;
import static org.bouncycastle.asn1.x509.GeneralName.iPAddress;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Creates a private CA and a serving certificate for the webhook Service. A dedicated CA (rather
 * than one self-signed leaf) mirrors what Helm's {@code genCA} and cert-manager produce, so every
 * path yields the same {@code tls.crt}/{@code ca.crt} shape.
 *
 * <p>Uses BouncyCastle only to build certificates; keys, signatures and parsing stay with the JDK
 * providers, so BouncyCastle is never registered as a security provider.
 */
public final class CertificateGenerator {

  /** Tolerates nodes whose clocks run a little behind the machine that generated the files. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private static final SecureRandom RANDOM = new SecureRandom();

  private CertificateGenerator() {}

  public static CertificateSet generate(CertificateSpec spec, Clock clock) {
    // X.509 times have second precision; truncating keeps notAfter == now + validity exact.
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Date notBefore = Date.from(now.minus(CLOCK_SKEW));
    // The CA expires with the serving certificate: both are replaced together on rotation.
    Date notAfter = Date.from(now.plus(spec.validity()));
    KeyAlgorithm algorithm = spec.keyAlgorithm();
    var caName = new X500Principal("CN=" + spec.serviceHostName() + " CA, O=pullsecret-webhook");
    try {
      KeyPair caKeys = algorithm.generateKeyPair(RANDOM);
      int caUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
      X509Certificate ca =
          sign(
              builder(caName, caName, caKeys.getPublic(), notBefore, notAfter, caUsage),
              caKeys.getPrivate(),
              algorithm);
      KeyPair servingKeys = algorithm.generateKeyPair(RANDOM);
      int usage = KeyUsage.digitalSignature | (algorithm.isRsa() ? KeyUsage.keyEncipherment : 0);
      var servingName =
          new X500Principal("CN=" + spec.serviceHostName() + ", O=pullsecret-webhook");
      X509v3CertificateBuilder serving =
          builder(caName, servingName, servingKeys.getPublic(), notBefore, notAfter, usage)
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(
                      Stream.concat(
                              spec.dnsNames().stream().map(dns -> new GeneralName(dNSName, dns)),
                              spec.ipAddresses().stream()
                                  .map(ip -> new GeneralName(iPAddress, ip.getHostAddress())))
                          .toArray(GeneralName[]::new)))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  // Key id only, as Go and cert-manager do: issuer name + serial would add nothing.
                  new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.getPublicKey()));
      return new CertificateSet(
          ca,
          caKeys.getPrivate(),
          sign(serving, caKeys.getPrivate(), algorithm),
          servingKeys.getPrivate());
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("could not create certificates: " + e.getMessage(), e);
    }
  }

  /**
   * A certificate of {@code subject}, a CA when its {@code usage} is to sign certificates, with the
   * extensions both kinds have.
   */
  private static X509v3CertificateBuilder builder(
      X500Principal issuer,
      X500Principal subject,
      PublicKey key,
      Date notBefore,
      Date notAfter,
      int usage)
      throws GeneralSecurityException, IOException {
    return new JcaX509v3CertificateBuilder(issuer, serial(), notBefore, notAfter, subject, key)
        .addExtension(
            Extension.basicConstraints,
            true,
            new BasicConstraints((usage & KeyUsage.keyCertSign) != 0))
        .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
        .addExtension(
            Extension.subjectKeyIdentifier,
            false,
            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key));
  }

  /** Random, positive and non-zero, as RFC 5280 requires; 128 bits make collisions moot. */
  private static BigInteger serial() {
    return new BigInteger(128, RANDOM).max(BigInteger.ONE);
  }

  private static X509Certificate sign(
      X509v3CertificateBuilder builder, PrivateKey signer, KeyAlgorithm algorithm)
      throws GeneralSecurityException, OperatorCreationException {
    var contentSigner =
        new JcaContentSignerBuilder(algorithm.signatureAlgorithm())
            .setSecureRandom(RANDOM)
            .build(signer);
    return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
  }
}
