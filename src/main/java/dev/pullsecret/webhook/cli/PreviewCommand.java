package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.DigestLookup;
import dev.pullsecret.webhook.admission.NamespaceLabelSource;
import dev.pullsecret.webhook.admission.SecretPresence;
import dev.pullsecret.webhook.credentials.DockerConfig;
import dev.pullsecret.webhook.credentials.PullSecretCheck;
import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.registry.DigestResolver;
import dev.pullsecret.webhook.registry.LookupObserver;
import dev.pullsecret.webhook.registry.RegistryCredentials;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code preview}: what the webhook would do to the pods of given manifests, computed by the same
 * {@link AdmissionHandler} the server runs, fed the pod as the API server would send it on CREATE.
 * Digests are looked up only with {@code --resolve}.
 */
@Command(
    name = "preview",
    header = "show the patch, changed fields and warnings the webhook would give manifests' pods")
public final class PreviewCommand extends CliCommand {

  /** Longer than admission's: a person waits, not the API server. */
  private static final Duration BUDGET = Duration.ofSeconds(10);

  /** What {@code -} reads; tests give their own. */
  InputStream stdin = System.in;

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

  @Mixin Failures failures;

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
    return failures.run(err(), "preview: failed: ", 1, this::preview);
  }

  private int preview() {
    LoadedRules loaded = readRules(rules);
    var found = new ManifestPods();
    int status = found.read(manifests, stdin, err()) ? 0 : 1;
    // A Namespace among the manifests gives its labels; --namespace-labels gives the others'.
    NamespaceLabelSource labels =
        (name, keys) ->
            NamespaceLabels.of(found.namespaceLabels.getOrDefault(name, namespaceLabels));
    try (DigestResolver resolver = resolve ? resolver() : null) {
      DigestLookup digests =
          resolver == null
              ? DigestLookup.notLookedUp("preview --resolve asks the registries")
              : new DigestLookup(resolver, credentials(), BUDGET, LookupObserver.NONE);
      var handler =
          new AdmissionHandler(() -> loaded, SCOPE, labels, SecretPresence.UNKNOWN, digests);
      for (ManifestPods.Entry entry : found.pods) {
        if (entry != found.pods.getFirst()) {
          out().println();
        }
        if (!previewOne(entry, handler)) {
          status = 1;
        }
      }
    }
    return status;
  }

  /** With {@code --resolve}: the webhook's own client and resolver, with {@link #BUDGET}. */
  private DigestResolver resolver() {
    // A bad CA bundle fails here, before any lookup.
    var settings =
        new DigestResolver.Settings(
            BUDGET, BUDGET, Duration.ZERO, 10_000, 8, Duration.ofSeconds(3), BUDGET, caBundle);
    return new DigestResolver(settings, LookupObserver.NONE);
  }

  /** Every lookup uses the {@code --docker-config} credential for the image, as a kubelet would. */
  private RegistryCredentials credentials() {
    if (dockerConfig == null) {
      return RegistryCredentials.ANONYMOUS;
    }
    byte[] content = readSecretFile(dockerConfig, "--docker-config " + dockerConfig);
    DockerConfig config =
        PullSecretCheck.ofDecoded(
                PullSecretCheck.DOCKER_CONFIG_JSON,
                Map.of(PullSecretCheck.DOCKER_CONFIG_JSON_KEY, content),
                List.of())
            .config();
    return (image, secrets) -> config.credentialFor(image).filter(c -> !c.isEmpty());
  }

  /** Prints what the webhook would do to one pod; false if it has no namespace or is refused. */
  private boolean previewOne(ManifestPods.Entry entry, AdmissionHandler handler) {
    PrintWriter out = out();
    String namespace = this.namespace != null ? this.namespace : entry.namespace();
    if (entry.skipped() != null) {
      out.println("# " + entry.source() + ": skipped, " + entry.skipped());
      return true;
    }
    if (namespace == null) {
      out.println("# " + entry.source() + ": no namespace; give --namespace");
      return false;
    }
    Pod pod = JsonMapper.shared().treeToValue(entry.pod(), Pod.class);
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
      // As the API server would refuse the CREATE: this message, and a failed status for CI.
      section(out, "refused", List.of(decision.refusal()));
    }
    if (decision.isPatched()) {
      JsonNode patch = JsonMapper.shared().valueToTree(decision.patch());
      JsonNode after = JsonPatch.apply(patch, entry.pod());
      section(out, "changes", changes(decision.patch(), entry.pod(), after));
      section(out, "patch", List.of(patch.toString()));
    }
    section(out, "warnings", decision.shownWarnings().stream().map(w -> "Warning: " + w).toList());
    return !refused;
  }

  /** {@code TITLE:} and its lines indented under it; nothing when it has none. */
  private static void section(PrintWriter out, String title, List<String> lines) {
    if (!lines.isEmpty()) {
      out.println(title + ":");
      lines.forEach(line -> out.println("  " + line));
    }
  }

  /** Each field a patch changes, e.g. {@code spec.containers[0].image}, before and after. */
  private static List<String> changes(List<PatchOperation> patch, JsonNode before, JsonNode after) {
    return patch.stream()
        .map(operation -> operation.path().replaceFirst("/-$", "")) // "/-" appends: whole array
        .distinct()
        .map(JsonPointer::compile)
        .map(f -> readable(f) + ": " + value(before.at(f)) + " -> " + value(after.at(f)))
        .toList();
  }

  private static String value(JsonNode node) {
    return node.isMissingNode() ? "(absent)" : node.isString() ? node.asString() : node.toString();
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
}
