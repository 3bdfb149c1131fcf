package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.rules.InvalidRulesException;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code validate}: checks rules files exactly as the server does when it loads or reloads them
 * (the same {@link RulesFile} code path), and says what valid rules do.
 */
@Command(
    name = "validate",
    header = "check rules files as the server does, and summarise what they do")
public final class ValidateCommand extends CliCommand {

  static final String HELP =
      """
      NAME
          validate - check webhook rules files and summarise what they do

      SYNOPSIS
          java -jar target/pullsecret-webhook-*.jar validate [--debug] FILE...

      DESCRIPTION
          Reads each rules FILE (the YAML document kept in the webhook's
          ConfigMap) and checks it exactly as the webhook does when it loads or
          hot-reloads its rules: YAML syntax, unknown or duplicate fields, secret
          and namespace names, registry patterns, image options, references to
          undeclared pull secrets, rules that would tie.

          A valid file is summarised: its pull secrets with the registries each
          serves, and its rules in file order with their namespaces, secrets,
          image options and mode. An invalid file gets every error, each located
          as FILE:LINE:COLUMN: FIELD PATH: MESSAGE, the form editors and CI
          annotations understand.

      OPTIONS
          --debug      Show the stack trace of unexpected failures.
          -h, --help   Show this help.

      EXIT STATUS
          0  every FILE is valid
          1  at least one FILE is invalid or unreadable
          2  invalid command line

      EXAMPLES
          java -jar target/pullsecret-webhook-*.jar validate examples/rules.yaml
          kubectl -n pullsecret-webhook get configmap pullsecret-webhook-rules \\
              -o jsonpath='{.data.rules\\.yaml}' > /tmp/rules.yaml && \\
              java -jar target/pullsecret-webhook-*.jar validate /tmp/rules.yaml

      SEE ALSO
          preview: what the rules do to given manifests.
      """;

  @Mixin DebugOption debug;

  @Parameters(paramLabel = "FILE")
  List<Path> files;

  @Override
  String manPage() {
    return HELP;
  }

  @Override
  public Integer call() {
    if (files == null) {
      throw usage("give at least one rules FILE");
    }
    PrintWriter out = out();
    PrintWriter err = err();
    int status = 0;
    for (Path file : files) {
      var rulesFile = new RulesFile(file);
      try {
        Rules rules = rulesFile.parse(rulesFile.read());
        out.println(file + ": valid");
        out.print(RulesSummary.of(rules));
      } catch (InvalidRulesException e) {
        RulesFiles.report(e, err);
        status = 1;
      } catch (RuntimeException e) {
        status = debug.failed(err, file + ": cannot be checked: ", e);
      }
    }
    return status;
  }
}
