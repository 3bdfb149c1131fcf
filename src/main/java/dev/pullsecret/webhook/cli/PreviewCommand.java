package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.patch.JsonPatch;
import dev.pullsecret.webhook.rules.InvalidRulesException;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RulesFile;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.error.YAMLException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code preview}: what the webhook would do to the pods of given manifests, computed by the same
 * {@link AdmissionHandler} the server runs, fed the pod as the API server would send it on CREATE.
 */
public final class PreviewCommand implements Command {

  static final String HELP =
      """
      NAME
          preview - show what the webhook would do to the pods of manifests

      SYNOPSIS
          java -jar target/pullsecret-webhook-*.jar preview --rules FILE
              [--namespace NS] [--resolve [--ca-bundle F] [--docker-config F]]
              [--debug] MANIFEST... | -

      DESCRIPTION
          Reads YAML manifests (several documents per file; '-' reads standard
          input) and, for every Pod and every pod template of a Deployment,
          StatefulSet, DaemonSet, ReplicaSet, Job or CronJob (also inside a
          'kind: List', as printed by 'kubectl get -o yaml'), runs exactly the
          admission logic of the webhook for a CREATE of that pod under the rules
          FILE. For each it prints the rule that applies and the outcome, the
          fields that change (before -> after), the JSON Patch the webhook would
          return (for a workload: for each pod created from its template), and
          the warnings kubectl would show.

          Like the server, it never mutates pods in kube-system. Before the
          webhook sees a pod, the API server defaults imagePullPolicy (Always
          for untagged and :latest images, IfNotPresent otherwise); preview
          does the same, so the "before" side is what the server would see.

      OPTIONS
          --rules FILE     The rules, as in the webhook's ConfigMap. Required.
          --namespace NS   The namespace the pods are created in. Default: each
                           manifest's metadata.namespace; one of the two is
                           required.
          --resolve        Resolve tags to digests where a rule says resolveDigests,
                           asking the registries as the webhook does; with
                           --ca-bundle FILE (PEM CAs of private registries) and
                           --docker-config FILE (credentials; anonymous without).
          --debug          Show the stack trace of unexpected failures.
          -h, --help       Show this help.

      EXIT STATUS
          0  every manifest was previewed (whether or not anything changes)
          1  the rules are invalid, a manifest cannot be read, or a pod has no
             namespace
          2  invalid command line

      EXAMPLES
          java -jar target/pullsecret-webhook-*.jar preview \\
              --rules examples/rules.yaml --namespace team-a-dev examples/deployment.yaml
          kubectl get deploy -n team-a -o yaml | \\
              java -jar target/pullsecret-webhook-*.jar preview --rules rules.yaml -

      SEE ALSO
          validate: check a rules file.
      """;

  /**
   * Built on first use, not when the class is loaded: the command list is created on every start of
   * the jar, the server's included, and building a mapper costs ~0.2 s of a cold start.
   */
  private static final class Json {
    static final JsonMapper MAPPER = JsonMapper.builder().build();
  }

  private final InputStream stdin;

  public PreviewCommand() {
    this(System.in);
  }

  PreviewCommand(InputStream stdin) {
    this.stdin = stdin;
  }

  @Override
  public String name() {
    return "preview";
  }

  @Override
  public String summary() {
    return "show the patch, changed fields and warnings the webhook would give manifests' pods";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    CommandLine line;
    try {
      line =
          CommandLine.parse(
              args,
              Set.of("--rules", "--namespace", "--ca-bundle", "--docker-config"),
              Set.of(),
              Set.of("--debug", "--resolve"));
      if (line.help()) {
        out.print(HELP);
        return 0;
      }
      if (line.value("--rules").isEmpty()) {
        throw new UsageException("--rules FILE is required");
      }
      if (line.positionals().isEmpty()) {
        throw new UsageException("give at least one MANIFEST file, or - for standard input");
      }
      PreviewDigests.checkOptions(line);
    } catch (UsageException e) {
      err.println("preview: " + e.getMessage() + " (see 'preview --help')");
      return 2;
    }
    try {
      return preview(line, out, err);
    } catch (InvalidRulesException e) {
      RulesFiles.report(e, err);
      return 1;
    } catch (RuntimeException e) {
      err.println("preview: failed: " + e);
      if (line.flag("--debug")) {
        e.printStackTrace(err);
      }
      return 1;
    }
  }

  private int preview(CommandLine line, PrintStream out, PrintStream err) {
    var rulesFile = new RulesFile(Path.of(line.value("--rules").get()));
    byte[] content = rulesFile.read();
    var rules =
        new LoadedRules(
            rulesFile.parse(content),
            1,
            RulesFile.digest(content),
            Instant.now(),
            rulesFile.path().toString());
    int status = 0;
    try (PreviewDigests digests = PreviewDigests.of(line)) {
      var handler = new AdmissionHandler(() -> rules, Set.of("kube-system"), digests.lookup());
      status = previewAll(line, handler, out, err);
    }
    return status;
  }

  private int previewAll(
      CommandLine line, AdmissionHandler handler, PrintStream out, PrintStream err) {
    int status = 0;
    int count = 0;
    for (String manifest : line.positionals()) {
      List<ManifestPods.Entry> entries;
      try (Reader reader = open(manifest)) {
        entries = ManifestPods.read(reader);
      } catch (NoSuchFileException e) {
        err.println("preview: " + manifest + ": file not found");
        status = 1;
        continue;
      } catch (IOException | YAMLException e) {
        err.println("preview: " + manifest + ": cannot be read as YAML: " + e.getMessage());
        status = 1;
        continue;
      }
      for (ManifestPods.Entry entry : entries) {
        if (count++ > 0) {
          out.println();
        }
        if (!previewOne(entry, line.value("--namespace").orElse(entry.namespace()), handler, out)) {
          status = 1;
        }
      }
    }
    return status;
  }

  private boolean previewOne(
      ManifestPods.Entry entry, String namespace, AdmissionHandler handler, PrintStream out) {
    if (entry.skipped() != null) {
      out.println("# " + entry.source() + ": skipped, " + entry.skipped());
      return true;
    }
    if (namespace == null) {
      out.println("# " + entry.source() + ": no namespace; give --namespace");
      return false;
    }
    ApiServerDefaults.apply(entry.pod());
    Pod pod = Json.MAPPER.treeToValue(entry.pod(), Pod.class);
    AdmissionDecision decision =
        handler.decide(AdmissionRequest.podCreate("preview", pod, namespace, true));
    out.println(
        "# "
            + entry.source()
            + " in namespace "
            + namespace
            + ": "
            + (decision.rule() == null ? "no rule applies" : "rule " + decision.rule())
            + ", "
            + decision.reason());
    if (decision.isPatched()) {
      JsonNode patch = Json.MAPPER.readTree(JsonPatch.toJson(decision.patch()));
      JsonNode after = io.fabric8.zjsonpatch.JsonPatch.apply(patch, entry.pod());
      out.println("changes:");
      PatchDiff.lines(decision.patch(), entry.pod(), after).forEach(out::println);
      out.println("patch:");
      out.println("  " + patch);
    }
    if (!decision.warnings().isEmpty()) {
      out.println("warnings:");
      decision.warnings().forEach(w -> out.println("  Warning: " + w));
    }
    return true;
  }

  private Reader open(String manifest) throws IOException {
    InputStream in = manifest.equals("-") ? stdin : Files.newInputStream(Path.of(manifest));
    return new InputStreamReader(in, StandardCharsets.UTF_8);
  }
}
