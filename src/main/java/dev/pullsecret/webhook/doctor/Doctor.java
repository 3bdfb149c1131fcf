package dev.pullsecret.webhook.doctor;

import dev.pullsecret.webhook.recovery.StuckPods;
import dev.pullsecret.webhook.rules.InvalidRulesException;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesFile;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * The cluster check behind the {@code doctor} command, free of any command-line framework: reads
 * the rules (a file, or the rules ConfigMap), checks every covered namespace and the registration's
 * caBundle against the serving certificate.
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

  /** Rules from the ConfigMap that the webhook watches, validated as the webhook does. */
  public static Rules rulesFromConfigMap(
      KubernetesClient client, String namespace, String name, String key) {
    String source = "configmap " + namespace + "/" + name + " key " + key;
    ConfigMap configMap = client.configMaps().inNamespace(namespace).withName(name).get();
    if (configMap == null || configMap.getData() == null || !configMap.getData().containsKey(key)) {
      throw new IllegalStateException(source + " not found");
    }
    return RulesFile.parse(configMap.getData().get(key).getBytes(StandardCharsets.UTF_8), source);
  }

  /**
   * @throws InvalidRulesException never here: rules are parsed by the caller
   * @throws IllegalStateException when the registration or the certificate cannot be read
   */
  public DoctorReport examine(KubernetesClient client, Rules rules) {
    var check = new ClusterCheck(client, namespace, scope);
    var ours = check.ours();
    var namespaces = check.check(rules, ours);
    var stuck =
        StuckPods.check(client, rules, scope, (ns, name) -> ours.containsKey(ns + "/" + name));
    var access =
        serviceAccount == null
            ? new DoctorReport.Access(null, List.of())
            : access(new AccessCheck(client, namespace, serviceAccount), rules);
    if (registration == null) {
      return new DoctorReport(namespaces, stuck, access, List.of());
    }
    var config =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(registration)
            .get();
    if (config == null) {
      return new DoctorReport(
          namespaces,
          stuck,
          access,
          List.of(new CaBundleCheck.Result(registration, false, "registration not found")));
    }
    return new DoctorReport(
        namespaces, stuck, access, CaBundleCheck.check(config, servingChain(client), new Date()));
  }

  private DoctorReport.Access access(AccessCheck check, Rules rules) {
    return new DoctorReport.Access(check.user(), check.check(rules, namespace));
  }

  private List<X509Certificate> servingChain(KubernetesClient client) {
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
      return CaBundleCheck.certificates(pem);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(from + " holds no PEM certificate");
    }
  }
}
