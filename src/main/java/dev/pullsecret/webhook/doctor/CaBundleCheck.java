package dev.pullsecret.webhook.doctor;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Whether the API server will trust the webhook: each webhook of the registration must carry a
 * caBundle that signed (or is) the serving certificate, and that certificate must be in its
 * validity period. A mismatch makes every call fail, and with failurePolicy Ignore, silently.
 */
public final class CaBundleCheck {

  /** The verdict for one webhook of the registration. */
  public record Result(String webhook, boolean ok, String detail) {}

  private CaBundleCheck() {}

  /**
   * @param leaf the serving certificate
   */
  static List<Result> check(
      MutatingWebhookConfiguration registration, X509Certificate leaf, Date now) {
    return registration.getWebhooks().stream().map(webhook -> check(webhook, leaf, now)).toList();
  }

  private static Result check(MutatingWebhook webhook, X509Certificate leaf, Date now) {
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
    for (X509Certificate ca : cas) {
      if (ca.equals(leaf) || signedBy(leaf, ca)) {
        return new Result(
            name, true, "caBundle matches (" + ca.getSubjectX500Principal().getName() + ")");
      }
    }
    return new Result(
        name,
        false,
        "caBundle does not match the serving certificate (issuer "
            + leaf.getIssuerX500Principal().getName()
            + "): every call fails TLS verification");
  }

  private static boolean signedBy(X509Certificate leaf, X509Certificate ca) {
    try {
      leaf.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Parses PEM (one or more certificates). */
  static List<X509Certificate> certificates(byte[] pem) throws GeneralSecurityException {
    var factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> certificates = new ArrayList<>();
    for (var certificate : factory.generateCertificates(new ByteArrayInputStream(pem))) {
      certificates.add((X509Certificate) certificate);
    }
    if (certificates.isEmpty()) {
      throw new GeneralSecurityException("no certificate");
    }
    return certificates;
  }
}
