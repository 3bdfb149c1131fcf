package dev.pullsecret.webhook.tls.issuing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateGeneratorTest {

  private static final Instant NOW = Instant.parse("2030-01-02T03:04:05.678Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Instant NOW_SECONDS = Instant.parse("2030-01-02T03:04:05Z");

  /** RSA-4096 key generation takes seconds; tests that only inspect a set share one. */
  private static final Map<KeyAlgorithm, CertificateSet> GENERATED = new ConcurrentHashMap<>();

  private static CertificateSet generated(KeyAlgorithm algorithm) {
    return GENERATED.computeIfAbsent(algorithm, a -> CertificateGenerator.generate(spec(a), CLOCK));
  }

  private static CertificateSpec spec(KeyAlgorithm algorithm) {
    return new CertificateSpec(
        "pullsecret-webhook",
        "infra",
        List.of("hook.example.com"),
        List.of("10.0.0.7", "fd00::7"),
        Duration.ofDays(30),
        algorithm);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void servingCertificateValidatesAgainstTheCaWithPkix(KeyAlgorithm algorithm) throws Exception {
    CertificateSet set = generated(algorithm);

    set.servingCertificate().verify(set.caCertificate().getPublicKey());
    set.caCertificate().verify(set.caCertificate().getPublicKey());
    validate(set.servingCertificate(), set.caCertificate(), NOW);
    assertThat(set.servingCertificate().getSigAlgName()).isEqualTo(algorithm.signatureAlgorithm());
    assertThat(set.caCertificate().getSigAlgName()).isEqualTo(algorithm.signatureAlgorithm());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void keysHaveTheRequestedTypeAndSize(KeyAlgorithm algorithm) {
    CertificateSet set = generated(algorithm);

    for (X509Certificate cert : List.of(set.caCertificate(), set.servingCertificate())) {
      switch (algorithm) {
        case ECDSA_P256 ->
            assertThat(
                    ((ECPublicKey) cert.getPublicKey())
                        .getParams()
                        .getCurve()
                        .getField()
                        .getFieldSize())
                .isEqualTo(256);
        case RSA_2048, RSA_3072, RSA_4096 ->
            assertThat(((RSAPublicKey) cert.getPublicKey()).getModulus().bitLength())
                .isEqualTo(Integer.parseInt(algorithm.name().substring(4)));
      }
    }
    assertThat(set.servingKey().getAlgorithm()).isEqualTo(algorithm.isRsa() ? "RSA" : "EC");
  }

  @Test
  void subjectAlternativeNamesAreExactlyTheServiceNamesExtrasAndIps() throws Exception {
    X509Certificate serving = generated(KeyAlgorithm.ECDSA_P256).servingCertificate();

    assertThat(serving.getSubjectAlternativeNames())
        .containsExactly(
            List.of(2, "pullsecret-webhook"),
            List.of(2, "pullsecret-webhook.infra"),
            List.of(2, "pullsecret-webhook.infra.svc"),
            List.of(2, "pullsecret-webhook.infra.svc.cluster.local"),
            List.of(2, "hook.example.com"),
            List.of(7, "10.0.0.7"),
            List.of(7, "fd00:0:0:0:0:0:0:7"));
    assertThat(serving.getSubjectX500Principal().getName())
        .isEqualTo("CN=pullsecret-webhook.infra.svc,O=pullsecret-webhook");
    // SANs carry the names (Go ignores the CN); the extension is non-critical because the subject
    // is not empty.
    assertThat(serving.getNonCriticalExtensionOIDs()).contains("2.5.29.17");
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyAlgorithm.class,
      names = {"ECDSA_P256", "RSA_2048"})
  void servingCertificateIsAServerAuthLeaf(KeyAlgorithm algorithm) throws Exception {
    X509Certificate serving = generated(algorithm).servingCertificate();

    assertThat(serving.getBasicConstraints()).isEqualTo(-1);
    assertThat(serving.getCriticalExtensionOIDs())
        .containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
    assertThat(serving.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    boolean[] usage = serving.getKeyUsage();
    assertThat(usage[0]).as("digitalSignature").isTrue();
    assertThat(usage[2]).as("keyEncipherment").isEqualTo(algorithm.isRsa());
    assertThat(usage[5]).as("keyCertSign").isFalse();
  }

  @Test
  void caIsMarkedAsCaAndOnlySigns() throws Exception {
    X509Certificate ca = generated(KeyAlgorithm.ECDSA_P256).caCertificate();

    assertThat(ca.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
    assertThat(ca.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
    assertThat(ca.getKeyUsage())
        .startsWith(false, false, false, false, false, true, true, false, false);
    assertThat(ca.getSubjectX500Principal()).isEqualTo(ca.getIssuerX500Principal());
    assertThat(ca.getSubjectX500Principal().getName())
        .isEqualTo("CN=pullsecret-webhook.infra.svc CA,O=pullsecret-webhook");
  }

  @Test
  void authorityKeyIdOfTheServingCertificateIsTheCaSubjectKeyId() throws Exception {
    CertificateSet set = generated(KeyAlgorithm.ECDSA_P256);

    byte[] caKeyId =
        SubjectKeyIdentifier.getInstance(
                JcaX509ExtensionUtils.parseExtensionValue(
                    set.caCertificate().getExtensionValue("2.5.29.14")))
            .getKeyIdentifier();
    var authority =
        AuthorityKeyIdentifier.getInstance(
            JcaX509ExtensionUtils.parseExtensionValue(
                set.servingCertificate().getExtensionValue("2.5.29.35")));
    byte[] authorityKeyId = authority.getKeyIdentifierOctets();
    assertThat(authority.getAuthorityCertIssuer()).isNull();
    assertThat(authority.getAuthorityCertSerialNumber()).isNull();

    assertThat(caKeyId).isNotEmpty();
    assertThat(authorityKeyId).isEqualTo(caKeyId);
    assertThat(set.servingCertificate().getExtensionValue("2.5.29.14")).isNotNull();
  }

  @Test
  void validityStartsFiveMinutesEarlyAndEndsAfterTheRequestedDuration() {
    CertificateSet set = generated(KeyAlgorithm.ECDSA_P256);

    for (X509Certificate cert : List.of(set.caCertificate(), set.servingCertificate())) {
      assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW_SECONDS.minusSeconds(300));
      assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW_SECONDS.plus(Duration.ofDays(30)));
    }
  }

  @Test
  void pkixRejectsTheCertificateAfterItsValidity() throws Exception {
    CertificateSet set = generated(KeyAlgorithm.ECDSA_P256);

    validate(set.servingCertificate(), set.caCertificate(), NOW.minusSeconds(299));
    assertThatThrownBy(
            () ->
                validate(
                    set.servingCertificate(), set.caCertificate(), NOW.plus(Duration.ofDays(31))))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void certificateFromAnotherGenerationDoesNotValidate() {
    CertificateSet one = CertificateGenerator.generate(spec(KeyAlgorithm.ECDSA_P256), CLOCK);
    CertificateSet two = CertificateGenerator.generate(spec(KeyAlgorithm.ECDSA_P256), CLOCK);

    assertThatThrownBy(() -> validate(one.servingCertificate(), two.caCertificate(), NOW))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void serialNumbersArePositiveRandom128BitNumbers() {
    CertificateSet one = CertificateGenerator.generate(spec(KeyAlgorithm.ECDSA_P256), CLOCK);
    CertificateSet two = CertificateGenerator.generate(spec(KeyAlgorithm.ECDSA_P256), CLOCK);

    for (BigInteger serial :
        List.of(
            one.caCertificate().getSerialNumber(),
            one.servingCertificate().getSerialNumber(),
            two.servingCertificate().getSerialNumber())) {
      assertThat(serial.signum()).isEqualTo(1);
      assertThat(serial.bitLength()).isLessThanOrEqualTo(128);
    }
    assertThat(one.servingCertificate().getSerialNumber())
        .isNotEqualTo(two.servingCertificate().getSerialNumber())
        .isNotEqualTo(one.caCertificate().getSerialNumber());
  }

  @Test
  void toStringDoesNotRevealKeys() {
    CertificateSet set = generated(KeyAlgorithm.RSA_2048);

    assertThat(set.toString())
        .contains("CN=pullsecret-webhook.infra.svc")
        .doesNotContain("modulus", "exponent", "RSA");
  }

  private static void validate(X509Certificate leaf, X509Certificate ca, Instant at)
      throws Exception {
    var params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    params.setRevocationEnabled(false);
    params.setDate(Date.from(at));
    var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf));
    CertPathValidator.getInstance("PKIX").validate(path, params);
  }
}
