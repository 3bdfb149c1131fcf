package dev.pullsecret.webhook.doctor;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Whether the API server will trust the webhook: each webhook of the registration must carry a
 * caBundle that signed (or is) the serving certificate, directly or through the intermediates
 * served with it (tls.crt), and every certificate of that path must be in its validity period. A
 * mismatch makes every call fail, and with failurePolicy Ignore, silently.
 *
 * @param registration the MutatingWebhookConfiguration's name
 * @param certificatePem the serving certificate (PEM); null to read it from {@code tlsSecret}
 * @param tlsSecret the kubernetes.io/tls Secret in {@code namespace} to read tls.crt from
 */
public record CaBundleCheck(
    KubernetesClient client,
    String registration,
    byte[] certificatePem,
    String namespace,
    String tlsSecret) {

  /** The verdict on the caBundle of one webhook of the registration. */
  public record Result(String webhook, boolean ok, String detail) {}

  /**
   * @throws IllegalStateException when the certificate cannot be read
   */
  public List<Result> check() {
    var config =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(registration)
            .get();
    if (config == null) {
      return List.of(new Result(registration, false, "registration not found"));
    }
    if (config.getWebhooks() == null || config.getWebhooks().isEmpty()) {
      return List.of(
          new Result(registration, false, "registration has no webhook: no pod is sent to one"));
    }
    List<X509Certificate> chain = servingChain();
    Date now = new Date();
    return config.getWebhooks().stream().map(webhook -> check(webhook, chain, now)).toList();
  }

  private static Result check(MutatingWebhook webhook, List<X509Certificate> chain, Date now) {
    X509Certificate leaf = chain.getFirst();
    String name = webhook.getName();
    String bundle =
        webhook.getClientConfig() == null ? null : webhook.getClientConfig().getCaBundle();
    if (bundle == null || bundle.isBlank()) {
      return new Result(name, false, "no caBundle: the API server trusts only its own roots");
    }
    List<X509Certificate> cas;
    try {
      cas = certificates(Base64.getMimeDecoder().decode(bundle));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return new Result(name, false, "caBundle is not base64 of PEM certificates");
    }
    if (now.after(leaf.getNotAfter()) || now.before(leaf.getNotBefore())) {
      return new Result(name, false, "serving certificate expired or not yet valid");
    }
    // Up the served chain, from the leaf: each step to the certificate that signed the last. The
    // API server checks the dates of every certificate of the chain: an expired CA matches nothing.
    X509Certificate current = leaf;
    X509Certificate outdated = null;
    for (int step = 0; current != null && step < chain.size(); step++) {
      for (X509Certificate ca : cas) {
        if (ca.equals(current) || signedBy(current, ca)) {
          if (!within(ca, now)) {
            outdated = outdated == null ? ca : outdated;
            continue;
          }
          return new Result(
              name, true, "caBundle matches (" + ca.getSubjectX500Principal().getName() + ")");
        }
      }
      X509Certificate signed = current;
      current =
          chain.stream()
              .skip(1)
              .filter(c -> !c.equals(signed) && signedBy(signed, c))
              .findFirst()
              .orElse(null);
      if (current != null && !within(current, now)) {
        outdated = outdated == null ? current : outdated;
        break;
      }
    }
    if (outdated != null) {
      return new Result(
          name,
          false,
          "caBundle matches only through "
              + outdated.getSubjectX500Principal().getName()
              + ", expired or not yet valid (notAfter "
              + outdated.getNotAfter().toInstant()
              + "): every call fails TLS verification");
    }
    return new Result(
        name,
        false,
        "caBundle does not match the serving certificate (issuer "
            + leaf.getIssuerX500Principal().getName()
            + "): every call fails TLS verification");
  }

  private static boolean within(X509Certificate certificate, Date now) {
    return !now.after(certificate.getNotAfter()) && !now.before(certificate.getNotBefore());
  }

  private static boolean signedBy(X509Certificate leaf, X509Certificate ca) {
    try {
      leaf.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The serving chain, leaf first: the certificates the caBundle must have signed one of. */
  private List<X509Certificate> servingChain() {
    byte[] pem = certificatePem;
    String from = "the certificate file";
    if (pem == null) {
      from = "Secret " + namespace + "/" + tlsSecret + " key tls.crt";
      Secret secret = client.secrets().inNamespace(namespace).withName(tlsSecret).get();
      if (secret == null || secret.getData() == null || !secret.getData().containsKey("tls.crt")) {
        throw new IllegalStateException(from + " not found");
      }
      pem = Base64.getMimeDecoder().decode(secret.getData().get("tls.crt"));
    }
    try {
      return certificates(pem);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(from + " holds no PEM certificate");
    }
  }

  private static List<X509Certificate> certificates(byte[] pem) throws GeneralSecurityException {
    var certificates =
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(pem))
            .stream()
            .map(X509Certificate.class::cast)
            .toList();
    if (certificates.isEmpty()) {
      throw new GeneralSecurityException("no certificate");
    }
    return certificates;
  }
}
