package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.rules.InvalidRulesException;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import dev.pullsecret.webhook.rules.NamespaceScope.Choice;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code validate}: checks rules files exactly as the server does when it loads or reloads them
 * (the same {@link RulesFile} code path), and says what valid rules do.
 */
@Command(
    name = "validate",
    header = "check rules files as the server does, and summarise what they do")
public final class ValidateCommand extends CliCommand {

  @Mixin DebugOption debug;

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
    PrintWriter out = out();
    PrintWriter err = err();
    int status = 0;
    for (Path file : files) {
      var rulesFile = new RulesFile(file);
      try {
        Rules rules = rulesFile.parse(rulesFile.read());
        out.println(file + ": valid");
        warn(rules, file.toString());
        out.print(RulesSummary.of(rules));
        if (namespace != null) {
          out.println(which(rules));
        }
      } catch (InvalidRulesException e) {
        refused(e);
        status = 1;
      } catch (RuntimeException e) {
        status = debug.failed(err, file + ": cannot be checked: ", e);
      }
    }
    return status;
  }

  /** Which rule applies to {@code --namespace} with {@code --namespace-labels}, and why. */
  private String which(Rules rules) {
    String subject =
        "namespace "
            + namespace
            + (namespaceLabels.isEmpty() ? "" : " labelled " + namespaceLabels)
            + ": ";
    return subject
        + switch (PreviewCommand.SCOPE.choose(
            rules, namespace, NamespaceLabels.of(namespaceLabels))) {
          case Choice.Applies applies ->
              "rule " + applies.match().rule().name() + " (" + applies.match().why() + ")";
          case Choice.NoRule none -> "no rule applies";
          case Choice.LeftOut out -> "left out, " + out.why();
        };
  }
}
