package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.doctor.Doctor;
import dev.pullsecret.webhook.doctor.DoctorReport;
import dev.pullsecret.webhook.rules.InvalidRulesException;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesFile;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code doctor}: checks the cluster against the rules; non-zero exit when something is wrong. */
public final class DoctorCommand implements Command {

  static final String HELP =
      """
      NAME
          doctor - check that every namespace has the pull secrets its rule names

      SYNOPSIS
          java -jar target/pullsecret-webhook-*.jar doctor [--context NAME]
              [--namespace NS] [--rules FILE | --rules-configmap NAME]
              [--webhook-configuration NAME | --skip-registration]
              [--cert FILE | --tls-secret NAME]
              [--skip-namespace NS]... [--debug]

      DESCRIPTION
          Connects with the usual kubeconfig resolution (KUBECONFIG, then
          ~/.kube/config, then the pod's service account) and prints, per
          namespace a rule covers: the rule, each secret it should have, and
          present / missing / not ours / invalid source / stale / source missing.
          Sources are checked as the kubelet reads them (type, decoding, auths
          entries covering each registry the secret is bound to).
          Then checks that the caBundle of the MutatingWebhookConfiguration
          matches the serving certificate (from --cert or the TLS Secret).
          Read-only. Meant for CI: the exit status says whether all is well.

      OPTIONS
          --context NAME                kubeconfig context (default: current)
          --namespace NS                the webhook's namespace
                                        (default: pullsecret-webhook)
          --rules FILE                  rules file (default: the rules ConfigMap)
          --rules-configmap NAME        (default: pullsecret-webhook-rules,
                                        key rules.yaml)
          --webhook-configuration NAME  (default: pullsecret-webhook)
          --skip-registration           do not check the registration's caBundle
          --cert FILE                   serving certificate (PEM)
          --tls-secret NAME             (default: pullsecret-webhook-tls)
          --skip-namespace NS           never checked (default: kube-system and
                                        the webhook's namespace); repeatable
          --debug                       Show the stack trace of failures.
          -h, --help                    Show this help.

      EXIT STATUS
          0  every namespace has its secrets and the caBundle matches
          1  something is missing, not ours, invalid or mismatched
          2  invalid command line, or the cluster or rules cannot be read
      """;

  @Override
  public String name() {
    return "doctor";
  }

  @Override
  public String summary() {
    return "check the cluster: secrets per namespace, caBundle of the registration";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    CommandLine line;
    try {
      line =
          CommandLine.parse(
              args,
              Set.of(
                  "--context",
                  "--namespace",
                  "--rules",
                  "--rules-configmap",
                  "--webhook-configuration",
                  "--cert",
                  "--tls-secret",
                  "--skip-namespace"),
              Set.of("--skip-namespace"),
              Set.of("--debug", "--skip-registration"));
      if (line.help()) {
        out.print(HELP);
        return 0;
      }
      if (!line.positionals().isEmpty()) {
        throw new UsageException("unexpected argument " + line.positionals().getFirst());
      }
    } catch (UsageException e) {
      err.println("doctor: " + e.getMessage() + " (see 'doctor --help')");
      return 2;
    }
    String namespace = line.value("--namespace").orElse("pullsecret-webhook");
    Config config = Config.autoConfigure(line.value("--context").orElse(null));
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      Rules rules =
          line.value("--rules").isPresent()
              ? new RulesFile(Path.of(line.value("--rules").get()))
                  .parse(new RulesFile(Path.of(line.value("--rules").get())).read())
              : Doctor.rulesFromConfigMap(
                  client,
                  namespace,
                  line.value("--rules-configmap").orElse("pullsecret-webhook-rules"),
                  "rules.yaml");
      Set<String> skipped = new HashSet<>(line.values("--skip-namespace"));
      if (skipped.isEmpty()) {
        skipped.addAll(Set.of("kube-system", namespace));
      }
      String registration =
          line.flag("--skip-registration")
              ? null
              : line.value("--webhook-configuration").orElse("pullsecret-webhook");
      var doctor =
          new Doctor(
              namespace,
              registration,
              line.value("--cert").map(DoctorCommand::read).orElse(null),
              line.value("--tls-secret").orElse("pullsecret-webhook-tls"),
              skipped);
      DoctorReport report = doctor.examine(client, rules);
      report.print(out);
      return report.isOk() ? 0 : 1;
    } catch (InvalidRulesException e) {
      RulesFiles.report(e, err);
      return 2;
    } catch (RuntimeException e) {
      err.println("doctor: cannot check the cluster: " + e.getMessage());
      if (line.flag("--debug")) {
        e.printStackTrace(err);
      }
      return 2;
    }
  }

  private static byte[] read(String file) {
    try {
      return Files.readAllBytes(Path.of(file));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage());
    }
  }
}
