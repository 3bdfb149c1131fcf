package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.doctor.AccessCheck;
import dev.pullsecret.webhook.doctor.CaBundleCheck;
import dev.pullsecret.webhook.doctor.ClusterCheck;
import dev.pullsecret.webhook.doctor.DoctorReport;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesParser;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code doctor}: checks the cluster against the rules ({@link ClusterCheck}, {@link AccessCheck},
 * {@link CaBundleCheck}); exit status 1 when something is wrong, so that it can run in CI.
 */
@Command(
    name = "doctor",
    header = "check the cluster: secrets per namespace, caBundle of the registration")
public final class DoctorCommand extends CliCommand {

  @Mixin Failures failures;

  @Option(names = "--context", paramLabel = "NAME")
  String context;

  @Option(names = "--namespace", paramLabel = "NS")
  String namespace = "pullsecret-webhook";

  @Option(names = "--rules", paramLabel = "FILE")
  Path rulesFile;

  @Option(names = "--rules-configmap", paramLabel = "NAME")
  String rulesConfigMap = "pullsecret-webhook-rules";

  @Option(names = "--webhook-configuration", paramLabel = "NAME")
  String registration = "pullsecret-webhook";

  @Option(names = "--skip-registration")
  boolean skipRegistration;

  @Option(names = "--cert", paramLabel = "FILE")
  Path certificate;

  @Option(names = "--tls-secret", paramLabel = "NAME")
  String tlsSecret = "pullsecret-webhook-tls";

  @Option(names = "--skip-namespace", paramLabel = "NS")
  List<String> skipped = new ArrayList<>();

  @Option(names = "--service-account", paramLabel = "NAME")
  String serviceAccount = "pullsecret-webhook";

  @Option(names = "--skip-access")
  boolean skipAccess;

  @Option(names = "--opt-out-label", paramLabel = "KEY=VALUE")
  String optOutLabel = "pullsecret.dev/inject=disabled";

  @Override
  public Integer call() {
    return failures.run(err(), "doctor: cannot check the cluster: ", 2, this::examine);
  }

  private int examine() {
    Config config = Config.autoConfigure(context);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      Rules rules = rulesFile != null ? readRules(rulesFile).rules() : rulesFromConfigMap(client);
      // As the webhook: the control plane's and its own namespace always, the chart's exclusions
      // besides.
      Set<String> skip = new HashSet<>(skipped);
      skip.add(namespace);
      var scope = NamespaceScope.deployed(skip, NamespaceScope.optOutLabel(optOutLabel));
      List<AccessCheck.Result> access =
          skipAccess ? List.of() : new AccessCheck(client, namespace, serviceAccount).check(rules);
      List<CaBundleCheck.Result> caBundle = List.of();
      if (!skipRegistration) {
        byte[] pem =
            certificate == null ? null : readSecretFile(certificate, certificate.toString());
        caBundle = new CaBundleCheck(client, registration, pem, namespace, tlsSecret).check();
      }
      DoctorReport report =
          new ClusterCheck(client, namespace, scope).report(rules, access, caBundle);
      report.print(out());
      return report.isOk() ? 0 : 1;
    }
  }

  /** Rules from the ConfigMap that the webhook watches, validated as the webhook does. */
  private Rules rulesFromConfigMap(KubernetesClient client) {
    String key = "rules.yaml";
    String source = "configmap " + namespace + "/" + rulesConfigMap + " key " + key;
    ConfigMap configMap = client.configMaps().inNamespace(namespace).withName(rulesConfigMap).get();
    if (configMap == null || configMap.getData() == null || !configMap.getData().containsKey(key)) {
      throw new IllegalStateException(source + " not found");
    }
    return RulesParser.parse(configMap.getData().get(key), source);
  }
}
