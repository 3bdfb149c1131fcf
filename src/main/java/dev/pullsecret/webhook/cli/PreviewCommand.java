package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.admission.AdmissionContext;
import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.NamespaceLabelSource;
import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.rules.InvalidRulesException;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.YAMLException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;

/**
 * {@code preview}: what the webhook would do to the pods of given manifests, computed by the same
 * {@link AdmissionHandler} the server runs, fed the pod as the API server would send it on CREATE.
 */
@Command(
    name = "preview",
    header = "show the patch, changed fields and warnings the webhook would give manifests' pods")
public final class PreviewCommand extends CliCommand {

  private final InputStream stdin;

  public PreviewCommand() {
    this(System.in);
  }

  PreviewCommand(InputStream stdin) {
    this.stdin = stdin;
  }

  @Option(names = "--rules", paramLabel = "FILE")
  Path rules;

  @Option(names = "--namespace", paramLabel = "NS")
  String namespace;

  @Option(names = "--namespace-labels", paramLabel = "KEY=VALUE", split = ",")
  Map<String, String> namespaceLabels = new LinkedHashMap<>();

  @Option(names = "--resolve")
  boolean resolve;

  @Option(names = "--ca-bundle", paramLabel = "FILE")
  Path caBundle;

  @Option(names = "--docker-config", paramLabel = "FILE")
  Path dockerConfig;

  @Mixin DebugOption debug;

  @Parameters(paramLabel = "MANIFEST")
  List<String> manifests;

  @Override
  public Integer call() {
    if (rules == null) {
      throw usage("--rules FILE is required");
    }
    if (manifests == null) {
      throw usage("give at least one MANIFEST file, or - for standard input");
    }
    if (!resolve && (caBundle != null || dockerConfig != null)) {
      throw usage("--ca-bundle and --docker-config go with --resolve");
    }
    try {
      return preview();
    } catch (InvalidRulesException e) {
      refused(e);
      return 1;
    } catch (RuntimeException e) {
      return debug.failed(err(), "preview: failed: ", e);
    }
  }

  private int preview() {
    LoadedRules loaded = readRules(rules);
    int status = 0;
    var found = new ManifestPods();
    for (String manifest : manifests) {
      try (Reader reader = open(manifest)) {
        found.read(reader);
      } catch (NoSuchFileException e) {
        err().println("preview: " + manifest + ": file not found");
        status = 1;
      } catch (IOException | YAMLException e) {
        err().println("preview: " + manifest + ": cannot be read as YAML: " + e.getMessage());
        status = 1;
      }
    }
    // A Namespace among the manifests gives its labels; --namespace-labels gives the others'.
    NamespaceLabelSource labels =
        (name, keys) ->
            NamespaceLabels.of(found.namespaceLabels.getOrDefault(name, namespaceLabels));
    try (PreviewDigests digests = PreviewDigests.of(resolve, caBundle, dockerConfig)) {
      var handler =
          new AdmissionHandler(
              () -> loaded,
              AdmissionContext.offline(SCOPE)
                  .withNamespaceLabels(labels)
                  .withDigests(digests.lookup()));
      for (ManifestPods.Entry entry : found.pods) {
        if (entry != found.pods.getFirst()) {
          out().println();
        }
        String target = namespace != null ? namespace : entry.namespace();
        if (!previewOne(entry, target, handler)) {
          status = 1;
        }
      }
    }
    return status;
  }

  /** Prints what the webhook would do to one pod; false if it has no namespace or is refused. */
  private boolean previewOne(ManifestPods.Entry entry, String namespace, AdmissionHandler handler) {
    PrintWriter out = out();
    if (entry.skipped() != null) {
      out.println("# " + entry.source() + ": skipped, " + entry.skipped());
      return true;
    }
    if (namespace == null) {
      out.println("# " + entry.source() + ": no namespace; give --namespace");
      return false;
    }
    Pod pod = ManifestPods.JSON.treeToValue(entry.pod(), Pod.class);
    AdmissionDecision decision =
        handler.decide(AdmissionRequest.podCreate("preview", pod, namespace, true));
    boolean refused = decision.reason().denies();
    String why = decision.auditAnnotations().get("match");
    String rule =
        decision.rule() == null
            ? "no rule applies"
            : "rule " + decision.rule() + (why == null ? "" : " (" + why + ")");
    out.printf(
        "# %s in namespace %s: %s, %s%s%n",
        entry.source(), namespace, rule, decision.reason(), refused ? ", refused" : "");
    if (refused) {
      // As the API server would refuse the CREATE: with this message, and a failed status for CI.
      out.println("refused:");
      out.println("  " + decision.refusal());
    }
    if (decision.isPatched()) {
      JsonNode patch = ManifestPods.JSON.valueToTree(decision.patch());
      JsonNode after = JsonPatch.apply(patch, entry.pod());
      out.println("changes:");
      printChanges(out, decision.patch(), entry.pod(), after);
      out.println("patch:");
      out.println("  " + patch);
    }
    if (!decision.warnings().isEmpty()) {
      out.println("warnings:");
      decision.shownWarnings().forEach(w -> out.println("  Warning: " + w));
    }
    return !refused;
  }

  /**
   * A readable before/after of each field a patch changes, e.g. {@code spec.containers[0].image}.
   */
  private static void printChanges(
      PrintWriter out, List<PatchOperation> patch, JsonNode before, JsonNode after) {
    patch.stream()
        .map(operation -> operation.path().replaceFirst("/-$", "")) // "/-" appends: whole array
        .distinct()
        .map(JsonPointer::compile)
        .forEach(
            field ->
                out.printf(
                    "  %s: %s -> %s%n",
                    readable(field), value(before.at(field)), value(after.at(field))));
  }

  private static String value(JsonNode node) {
    if (node.isMissingNode()) {
      return "(absent)";
    }
    return node.isString() ? node.asString() : node.toString();
  }

  /** {@code /spec/containers/0/image} as {@code spec.containers[0].image}. */
  private static String readable(JsonPointer pointer) {
    var text = new StringBuilder();
    for (JsonPointer p = pointer; !p.matches(); p = p.tail()) {
      if (p.mayMatchElement()) {
        text.append('[').append(p.getMatchingIndex()).append(']');
      } else {
        text.append(text.isEmpty() ? "" : ".").append(p.getMatchingProperty());
      }
    }
    return text.toString();
  }

  private Reader open(String manifest) throws IOException {
    InputStream in = manifest.equals("-") ? stdin : Files.newInputStream(Path.of(manifest));
    return new InputStreamReader(in, StandardCharsets.UTF_8);
  }
}
