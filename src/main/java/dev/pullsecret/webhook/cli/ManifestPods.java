package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import dev.pullsecret.webhook.mutation.PodContainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The pods a set of manifests would create: a Pod as is, and the pod template of a Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, Job or CronJob; {@code kind: List} (what {@code kubectl get
 * -o yaml} prints) is opened. A Namespace gives its labels (rules may choose namespaces by label).
 * Other kinds are reported as skipped. Each pod is as the API server would send it to the webhook,
 * after the defaulting that runs before mutating webhooks and that the webhook's decisions depend
 * on: {@code imagePullPolicy} is {@code Always} for untagged and {@code :latest} images and {@code
 * IfNotPresent} otherwise.
 */
final class ManifestPods {

  /**
   * One pod to preview.
   *
   * @param source how to name it, e.g. {@code Deployment/web}
   * @param namespace {@code metadata.namespace} of the manifest, or null
   * @param pod the pod (for workloads: a pod made from the template), or null when skipped
   * @param skipped why the document has no pod, or null
   */
  record Entry(String source, String namespace, ObjectNode pod, String skipped) {}

  final List<Entry> pods = new ArrayList<>();

  /** The labels of the Namespace objects among the manifests, by name. */
  final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();

  /**
   * Values (mappings, lists, scalars) read from all the manifests, aliases expanded: far more than
   * any set of manifests holds. The loader counts each alias once, but each copies what it names
   * into the tree: 24 pairs of aliases in a 1 KB manifest made 50 million values.
   */
  static final long MAX_VALUES = 1_000_000;

  private long valuesLeft = MAX_VALUES;

  /** Far deeper than a manifest nests; the loader refuses more than 50 levels without aliases. */
  static final int MAX_DEPTH = 200;

  /**
   * Adds the pods and Namespace labels of each manifest file ({@code -}: {@code stdin}); says on
   * {@code err} which cannot be read. Returns false if one could not.
   */
  boolean read(List<String> manifests, InputStream stdin, PrintWriter err) {
    var options = new LoaderOptions();
    options.setMaxAliasesForCollections(50);
    options.setAllowDuplicateKeys(false);
    var yaml = new Yaml(new SafeConstructor(options));
    boolean all = true;
    for (String manifest : manifests) {
      try (Reader reader =
          new InputStreamReader(
              manifest.equals("-") ? stdin : Files.newInputStream(Path.of(manifest)),
              StandardCharsets.UTF_8)) {
        for (Object document : yaml.loadAll(reader)) {
          if (document != null) {
            count(document, 0);
            collect(JsonMapper.shared().valueToTree(document));
          }
        }
      } catch (NoSuchFileException e) {
        err.println("preview: " + manifest + ": file not found");
        all = false;
      } catch (IOException | YAMLException e) {
        err.println("preview: " + manifest + ": cannot be read as YAML: " + e.getMessage());
        all = false;
      }
    }
    return all;
  }

  /**
   * Counts the values of {@code value} as a tree, aliases expanded, against what is left of {@link
   * #MAX_VALUES}; refuses a tree past it, or nested deeper than {@link #MAX_DEPTH} (an alias inside
   * what it names makes an endless one: {@code x: &a [*a]}).
   *
   * @throws YAMLException saying which
   */
  private void count(Object value, int depth) {
    if (--valuesLeft < 0) {
      throw new YAMLException("more than " + MAX_VALUES + " values once its aliases are expanded");
    }
    if (depth > MAX_DEPTH) {
      throw new YAMLException(
          "nested more than " + MAX_DEPTH + " deep once its aliases are expanded");
    }
    if (value instanceof Map<?, ?> map) {
      for (var entry : map.entrySet()) {
        count(entry.getKey(), depth + 1);
        count(entry.getValue(), depth + 1);
      }
    } else if (value instanceof Collection<?> list) {
      for (Object element : list) {
        count(element, depth + 1);
      }
    }
  }

  private void collect(JsonNode document) {
    String kind = document.path("kind").asString("");
    String name = document.path("metadata").path("name").asString("");
    String namespace = document.path("metadata").path("namespace").asString(null);
    String source = (kind.isEmpty() ? "(no kind)" : kind) + "/" + name;
    JsonNode template =
        switch (kind) {
          case "List" -> {
            document.path("items").forEach(this::collect);
            yield null;
          }
          case "Namespace" -> {
            Map<String, String> labels = new HashMap<>();
            document
                .path("metadata")
                .path("labels")
                .properties()
                .forEach(label -> labels.put(label.getKey(), label.getValue().asString("")));
            namespaceLabels.put(name, labels);
            yield null;
          }
          case "Pod" -> document;
          case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" ->
              document.path("spec").path("template");
          case "CronJob" -> document.path("spec").path("jobTemplate").path("spec").path("template");
          default -> {
            pods.add(
                new Entry(source, namespace, null, "not a Pod or a workload with a pod template"));
            yield null;
          }
        };
    if (template == null) {
      return;
    }
    if (!template.path("spec").isObject()) {
      pods.add(new Entry(source, namespace, null, "no pod spec found"));
      return;
    }
    ObjectNode pod = JsonMapper.shared().createObjectNode();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    pod.set(
        "metadata",
        template.path("metadata").isObject()
            ? template.get("metadata").deepCopy()
            : pod.objectNode());
    pod.set("spec", template.get("spec").deepCopy());
    defaultPullPolicies(pod);
    pods.add(new Entry(source, namespace, pod, null));
  }

  private static void defaultPullPolicies(ObjectNode pod) {
    for (PodContainer.Kind kind : PodContainer.Kind.values()) {
      for (JsonNode container : pod.path("spec").path(kind.field())) {
        if (container instanceof ObjectNode object && !object.has("imagePullPolicy")) {
          try {
            ImageReference image = ImageReference.parse(object.path("image").asString(""));
            object.put("imagePullPolicy", image.isUntaggedOrLatest() ? "Always" : "IfNotPresent");
          } catch (InvalidImageSyntaxException e) {
            // The API server would reject such a pod anyway; leave it for the webhook to report.
          }
        }
      }
    }
  }
}
