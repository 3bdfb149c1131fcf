package dev.pullsecret.webhook.tls.serving;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.pullsecret.webhook.tls.issuing.CertificateGenerator;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.CertificateSpec;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Certificate fixtures: the files of a generated set as a Secret holds them, pairs the webhook must
 * refuse, and what the production code deliberately cannot produce (legacy formats, CN-only certs).
 */
final class TestCertificates {

  /** The spec of the chart's default Service, {@code pullsecret-webhook} in its own namespace. */
  static CertificateSpec serviceSpec(Duration validity, KeyAlgorithm algorithm) {
    return new CertificateSpec(
        "pullsecret-webhook", "pullsecret-webhook", List.of(), List.of(), validity, algorithm);
  }

  private TestCertificates() {}

  /** A set for {@link #serviceSpec} with an ECDSA P-256 key, issued at {@code issued}. */
  static CertificateSet issuedAt(Instant issued, Duration validity) {
    return CertificateGenerator.generate(
        serviceSpec(validity, KeyAlgorithm.ECDSA_P256), Clock.fixed(issued, ZoneOffset.UTC));
  }

  /** {@code tls.crt} and {@code tls.key} of {@code set}, as in a kubernetes.io/tls Secret. */
  static Map<String, byte[]> pair(CertificateSet set) {
    return Map.of("tls.crt", pem(set), "tls.key", keyPem(set));
  }

  static byte[] pem(CertificateSet set) {
    return PemFiles.toPem(set.servingCertificate()).getBytes(US_ASCII);
  }

  static byte[] keyPem(CertificateSet set) {
    return PemFiles.toPem(set.servingKey()).getBytes(US_ASCII);
  }

  /**
   * Secret contents that must be refused, with the message that says why: built from a valid set,
   * another valid set and an expired one.
   */
  static Stream<Arguments> badPairs(
      CertificateSet valid, CertificateSet other, CertificateSet expired) {
    byte[] cert = pem(valid);
    return Stream.of(
        Arguments.of(
            "truncated certificate",
            Map.of("tls.crt", Arrays.copyOf(cert, cert.length / 2), "tls.key", keyPem(valid)),
            "malformed PEM"),
        Arguments.of(
            "key of another certificate",
            Map.of("tls.crt", pem(valid), "tls.key", keyPem(other)),
            "private key does not match"),
        Arguments.of("expired certificate", pair(expired), "expired: notAfter"),
        // A Secret holds at most 1 MiB: the chain is refused unparsed, before it can fill the heap.
        Arguments.of(
            "certificate file of 12 MB",
            Map.of("tls.crt", oversized(cert, 12 * 1024 * 1024), "tls.key", keyPem(valid)),
            "file too large: over 1048576 bytes"));
  }

  /** {@code pem} followed by blank lines up to {@code size} bytes: valid PEM, too large a file. */
  private static byte[] oversized(byte[] pem, int size) {
    byte[] content = Arrays.copyOf(pem, size);
    Arrays.fill(content, pem.length, size, (byte) '\n');
    return content;
  }

  /**
   * A serving certificate signed by {@code issuer}'s CA with the host name only in the CN, as older
   * tools (and {@code openssl req -subj} without {@code -addext}) create them.
   */
  static X509Certificate cnOnly(CertificateSet issuer, String commonName, KeyPair keys)
      throws Exception {
    return endEntity(issuer, commonName, keys, KeyPurposeId.id_kp_serverAuth);
  }

  /**
   * A client certificate signed by {@code issuer}'s CA, as an API server presents it to a webhook
   * that requires mTLS: the JDK server refuses client certificates without the clientAuth usage.
   */
  static X509Certificate client(CertificateSet issuer, String commonName, KeyPair keys)
      throws Exception {
    return endEntity(issuer, commonName, keys, KeyPurposeId.id_kp_clientAuth);
  }

  /**
   * {@code tls.crt} (a serving certificate signed by {@code issuer}'s CA, valid until {@code
   * notAfter}, then the CA) and {@code tls.key}: the serving certificate may outlive its CA.
   */
  static Map<String, byte[]> chainUntil(CertificateSet issuer, Instant notAfter) throws Exception {
    KeyPair keys = KeyAlgorithm.ECDSA_P256.generateKeyPair(new java.security.SecureRandom());
    var builder =
        new JcaX509v3CertificateBuilder(
                issuer.caCertificate(),
                BigInteger.valueOf(notAfter.toEpochMilli()),
                issuer.caCertificate().getNotBefore(),
                Date.from(notAfter),
                new X500Name("CN=pullsecret-webhook.pullsecret-webhook.svc"),
                keys.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(
                    new GeneralName(
                        GeneralName.dNSName, "pullsecret-webhook.pullsecret-webhook.svc")));
    var signer =
        new JcaContentSignerBuilder(KeyAlgorithm.ECDSA_P256.signatureAlgorithm())
            .build(issuer.caKey());
    X509Certificate serving =
        new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    String chain = PemFiles.toPem(serving) + PemFiles.toPem(issuer.caCertificate());
    return Map.of(
        "tls.crt",
        chain.getBytes(US_ASCII),
        "tls.key",
        PemFiles.toPem(keys.getPrivate()).getBytes(US_ASCII));
  }

  /** Valid for a day, the name only in the CN, no subjectAltName, for the one {@code usage}. */
  private static X509Certificate endEntity(
      CertificateSet issuer, String commonName, KeyPair keys, KeyPurposeId usage) throws Exception {
    Instant now = Instant.now();
    var builder =
        new JcaX509v3CertificateBuilder(
                issuer.caCertificate(),
                BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=" + commonName),
                keys.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage));
    var signer =
        new JcaContentSignerBuilder(KeyAlgorithm.ECDSA_P256.signatureAlgorithm())
            .build(issuer.caKey());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  /** {@code BEGIN RSA PRIVATE KEY}, as {@code openssl genrsa -traditional} writes it. */
  static String pkcs1Pem(PrivateKey rsaKey) throws Exception {
    byte[] der =
        PrivateKeyInfo.getInstance(rsaKey.getEncoded())
            .parsePrivateKey()
            .toASN1Primitive()
            .getEncoded();
    return pem("RSA PRIVATE KEY", der);
  }

  /** {@code BEGIN EC PRIVATE KEY} with curve and public key, as {@code openssl ecparam -genkey}. */
  static String sec1Pem(PrivateKey ecKey, PublicKey publicKey) throws Exception {
    var sec1 =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            256,
            ((ECPrivateKey) ecKey).getS(),
            new DERBitString(
                SubjectPublicKeyInfo.getInstance(publicKey.getEncoded())
                    .getPublicKeyData()
                    .getBytes()),
            SECObjectIdentifiers.secp256r1);
    return pem("EC PRIVATE KEY", sec1.getEncoded());
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** An in-memory key store for JDK TLS, holding one key entry. */
  static KeyStore keyStore(PrivateKey key, X509Certificate... chain) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("serving", key, new char[0], (Certificate[]) chain);
    return store;
  }

  /** A key store trusting exactly one CA. */
  static KeyStore trustStore(X509Certificate ca) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", ca);
    return store;
  }
}
