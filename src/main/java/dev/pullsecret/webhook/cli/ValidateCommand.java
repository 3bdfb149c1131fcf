package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.rules.ImageOptions;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.NamespaceScope.Choice;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.RuleMode;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesParser;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code validate}: checks rules files exactly as the server does when it loads or reloads them
 * (the same {@link RulesParser} code path), and says what valid rules do.
 */
@Command(
    name = "validate",
    header = "check rules files as the server does, and summarise what they do")
public final class ValidateCommand extends CliCommand {

  private static final String LEFT_OUT =
      """
      left out whatever the rules say (the chart's defaults):
        kube-system, kube-public, kube-node-lease, the webhook's own namespace,
        webhook.excludeNamespaces
        namespaces and pods labelled pullsecret.dev/inject=disabled (webhook.optOutLabel)
      """;

  /** Lines under a pull secret or a rule start under the text after its name. */
  private static final String INDENT = " ".repeat(23);

  @Mixin Failures failures;

  @Parameters(paramLabel = "FILE")
  List<Path> files;

  @Option(names = "--namespace", paramLabel = "NS")
  String namespace;

  @Option(names = "--namespace-labels", paramLabel = "KEY=VALUE", split = ",")
  Map<String, String> namespaceLabels = new LinkedHashMap<>();

  @Override
  public Integer call() {
    if (files == null) {
      throw usage("give at least one rules FILE");
    }
    if (namespace == null && !namespaceLabels.isEmpty()) {
      throw usage("--namespace-labels goes with --namespace");
    }
    int status = 0;
    for (Path file : files) {
      status |= failures.run(err(), file + ": cannot be checked: ", 1, () -> validate(file));
    }
    return status;
  }

  private int validate(Path file) {
    Rules rules = readRules(file).rules();
    out().println(file + ": valid");
    summary(out(), rules);
    if (namespace != null) {
      out().println(which(rules));
    }
    return 0;
  }

  /** Which rule applies to {@code --namespace} with {@code --namespace-labels}, and why. */
  private String which(Rules rules) {
    String subject =
        "namespace "
            + namespace
            + (namespaceLabels.isEmpty() ? "" : " labelled " + namespaceLabels)
            + ": ";
    return subject
        + switch (SCOPE.choose(rules, namespace, NamespaceLabels.of(namespaceLabels))) {
          case Choice.Applies applies ->
              "rule " + applies.match().rule().name() + " (" + applies.match().why() + ")";
          case Choice.NoRule none -> "no rule applies";
          case Choice.LeftOut out -> "left out, " + out.why();
        };
  }

  /** What valid rules do, in a few lines a platform engineer can check against their intent. */
  private static void summary(PrintWriter out, Rules rules) {
    out.println("pull secrets (" + rules.pullSecrets().size() + "):");
    for (PullSecret secret : rules.pullSecrets()) {
      out.printf("  %-20s %s%n", secret.name(), secret.registriesText());
      if (secret.isDelivered()) {
        String source = secret.source().in("(webhook namespace)").toString();
        String how =
            secret.hasProvider()
                ? "credentials from provider %s, renewed into %s and copied"
                    .formatted(secret.provider(), source)
                : "copied from " + source;
        out.println(INDENT + how + " by the sync loop");
      }
    }
    out.println(
        "rules (" + rules.rules().size() + "), the most specific match wins (docs/rules.md):");
    for (NamespaceRule rule : rules.rules()) {
      out.printf(
          "  %-20s namespaces %s%s%s%n",
          rule.name(),
          rule.namespaces().isEmpty() ? "any" : join(rule.namespaces()),
          rule.namespaceSelector().map(selector -> " labelled " + selector).orElse(""),
          rule.excludedNamespaces().isEmpty() ? "" : " except " + join(rule.excludedNamespaces()));
      List<String> lines = new ArrayList<>();
      if (rule.mode() == RuleMode.AUDIT) {
        lines.add("AUDIT MODE: changes nothing, reports what it would do");
      }
      List<String> secrets = rule.pullSecrets().stream().map(PullSecret::name).toList();
      lines.add("pull secrets " + (secrets.isEmpty() ? "none" : String.join(", ", secrets)));
      images(rule.images(), lines);
      lines.forEach(line -> out.println(INDENT + line));
    }
    out.print(LEFT_OUT);
  }

  /** Adds what a rule does to images to {@code lines}. */
  private static void images(ImageOptions images, List<String> lines) {
    images.pinLatest().map(ValidateCommand::pins).ifPresent(lines::add);
    for (ImageOptions.RegistryMirror mirror : images.mirrors()) {
      lines.add(
          "mirror "
              + mirror.from()
              + " -> "
              + mirror.target()
              + (mirror.whenPresent() ? " when it holds the image, else the next or none" : "")
              + (mirror.exclude().isEmpty() ? "" : ", except " + join(mirror.exclude())));
    }
    images
        .imagePullPolicy()
        .map(p -> p.policy() + (p.includeDigestPinned() ? " (digest-pinned images too)" : ""))
        .ifPresent(policy -> lines.add("imagePullPolicy " + policy));
    images
        .resolveDigests()
        .ifPresent(
            d ->
                lines.add(
                    "resolve tags to digests"
                        + (d.registries().isEmpty() ? "" : " on " + join(d.registries()))
                        + (d.denyOnFailure() ? ", deny pods on failure" : "")));
  }

  private static String pins(ImageOptions.LatestPinning pin) {
    List<String> pins = new ArrayList<>();
    pin.repositories().forEach((repository, tag) -> pins.add(repository + ":" + tag));
    if (pin.defaultTag() != null) {
      pins.add("others :" + pin.defaultTag());
    }
    return "pin untagged/latest images: " + String.join(", ", pins);
  }

  private static String join(Collection<?> items) {
    return items.stream().map(Object::toString).collect(Collectors.joining(", "));
  }
}
