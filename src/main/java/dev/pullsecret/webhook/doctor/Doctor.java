package dev.pullsecret.webhook.doctor;

import dev.pullsecret.webhook.recovery.StuckPods;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesParser;
import io.fabric8.kubernetes.api.model.ConfigMap;
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
 * The cluster check behind the {@code doctor} command, free of any command-line framework: reads
 * the rules (a file, or the rules ConfigMap), checks every covered namespace and the registration's
 * caBundle against the serving certificate.
 *
 * <p>The caBundle says whether the API server will trust the webhook: each webhook of the
 * registration must carry one that signed (or is) the serving certificate, and that certificate
 * must be in its validity period. A mismatch makes every call fail, and with failurePolicy Ignore,
 * silently.
 *
 * @param namespace the webhook's namespace (sources' default, rules ConfigMap, TLS Secret)
 * @param registration the MutatingWebhookConfiguration's name; null to skip that check
 * @param certificatePem the serving certificate (PEM); null to read it from {@code tlsSecret}
 * @param tlsSecret the kubernetes.io/tls Secret in {@code namespace} to read tls.crt from
 * @param scope where the webhook never acts (skipped names, the opt-out label)
 * @param serviceAccount the webhook's ServiceAccount in {@code namespace}, whose RBAC is checked
 *     against the delivered pull secrets; null to skip that check
 */
public record Doctor(
    String namespace,
    String registration,
    byte[] certificatePem,
    String tlsSecret,
    NamespaceScope scope,
    String serviceAccount) {

  /** The verdict on the caBundle of one webhook of the registration. */
  public record CaBundleResult(String webhook, boolean ok, String detail) {}

  /** Rules from the ConfigMap that the webhook watches, validated as the webhook does. */
  public static Rules rulesFromConfigMap(KubernetesClient client, String namespace, String name) {
    String key = "rules.yaml";
    String source = "configmap " + namespace + "/" + name + " key " + key;
    ConfigMap configMap = client.configMaps().inNamespace(namespace).withName(name).get();
    if (configMap == null || configMap.getData() == null || !configMap.getData().containsKey(key)) {
      throw new IllegalStateException(source + " not found");
    }
    return RulesParser.parse(configMap.getData().get(key), source);
  }

  /**
   * @throws IllegalStateException when the registration or the certificate cannot be read
   */
  public DoctorReport examine(KubernetesClient client, Rules rules) {
    var check = new ClusterCheck(client, namespace, scope);
    var ours = check.ours();
    var namespaces = check.check(rules, ours);
    var stuck =
        StuckPods.check(client, rules, scope, (ns, name) -> ours.containsKey(ns + "/" + name));
    var access = serviceAccount == null ? null : new AccessCheck(client, namespace, serviceAccount);
    return new DoctorReport(
        namespaces,
        stuck,
        access == null ? null : access.user(),
        access == null ? List.of() : access.check(rules),
        caBundle(client));
  }

  private List<CaBundleResult> caBundle(KubernetesClient client) {
    if (registration == null) {
      return List.of();
    }
    var config =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(registration)
            .get();
    if (config == null) {
      return List.of(new CaBundleResult(registration, false, "registration not found"));
    }
    X509Certificate leaf = servingCertificate(client);
    Date now = new Date();
    return config.getWebhooks().stream().map(webhook -> caBundle(webhook, leaf, now)).toList();
  }

  private static CaBundleResult caBundle(MutatingWebhook webhook, X509Certificate leaf, Date now) {
    String name = webhook.getName();
    String bundle =
        webhook.getClientConfig() == null ? null : webhook.getClientConfig().getCaBundle();
    if (bundle == null || bundle.isBlank()) {
      return new CaBundleResult(
          name, false, "no caBundle: the API server trusts only its own roots");
    }
    List<X509Certificate> cas;
    try {
      cas = certificates(Base64.getMimeDecoder().decode(bundle));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return new CaBundleResult(name, false, "caBundle is not base64 of PEM certificates");
    }
    if (now.after(leaf.getNotAfter()) || now.before(leaf.getNotBefore())) {
      return new CaBundleResult(name, false, "serving certificate expired or not yet valid");
    }
    for (X509Certificate ca : cas) {
      if (ca.equals(leaf) || signedBy(leaf, ca)) {
        return new CaBundleResult(
            name, true, "caBundle matches (" + ca.getSubjectX500Principal().getName() + ")");
      }
    }
    return new CaBundleResult(
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

  /** The leaf of the serving chain: the certificate the caBundle must have signed. */
  private X509Certificate servingCertificate(KubernetesClient client) {
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
      return certificates(pem).getFirst();
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
