package dev.pullsecret.webhook.chart;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** The chart under test, rendered by the real Helm engine (helm-java). */
final class HelmChart {

  static final Path DIR = Path.of("charts", "pullsecret-webhook");
  static final String RELEASE = "pullsecret-webhook";
  static final String NAMESPACE = "pullsecret-webhook";

  /**
   * helm-java reports Kubernetes 1.20 unless told otherwise (the official binary reports the
   * version it was built against), and the chart requires 1.30 or later.
   */
  static final String KUBE_VERSION = "v1.33.0";

  private static final FakeKubeApi API = startApi();

  private HelmChart() {}

  static LintResult lint() {
    return new Helm(DIR).lint().strict().call();
  }

  /** The API server {@code lookup} reads from; empty unless a test puts Secrets into it. */
  static FakeKubeApi api() {
    return API;
  }

  static String template(String release, String namespace, Map<String, ?> values) {
    return template(DIR, release, namespace, values);
  }

  static String template(Path chart, String release, String namespace, Map<String, ?> values) {
    Path valuesFile = writeValues(values);
    try {
      return new Helm(chart)
          .template()
          .withName(release)
          .withNamespace(namespace)
          .withKubeVersion(KUBE_VERSION)
          .withValuesFile(valuesFile)
          .call();
    } finally {
      deleteQuietly(valuesFile);
    }
  }

  static Rendering render(String release, String namespace, Map<String, ?> values) {
    String yaml = template(release, namespace, values);
    return new Rendering(release, namespace, yaml, KubeObjects.read(yaml));
  }

  static Rendering render(Map<String, ?> values) {
    return render(RELEASE, NAMESPACE, values);
  }

  /**
   * Renders {@code helm test} hooks as plain objects. helm-java's template leaves hooks out (unlike
   * {@code helm template}), so a copy of the chart without the hook annotations is rendered.
   */
  static Rendering renderWithTestHooks(Map<String, ?> values) {
    Path copy = null;
    try {
      copy = Files.createTempDirectory("chart-without-hooks");
      Path target = copy.resolve(DIR.getFileName());
      try (Stream<Path> files = Files.walk(DIR)) {
        for (Path source : files.toList()) {
          Path to = target.resolve(DIR.relativize(source).toString());
          if (Files.isDirectory(source)) {
            Files.createDirectories(to);
          } else if (source.startsWith(DIR.resolve("templates/tests"))) {
            Files.writeString(
                to, Files.readString(source).replaceAll("(?m)^.*helm\\.sh/hook.*\\n", ""));
          } else {
            Files.copy(source, to);
          }
        }
      }
      String yaml = template(target, RELEASE, NAMESPACE, values);
      return new Rendering(RELEASE, NAMESPACE, yaml, KubeObjects.read(yaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (copy != null) {
        deleteTree(copy);
      }
    }
  }

  /** NOTES.txt as `helm install` prints it (a client-only dry run). */
  static String notes(Map<String, ?> values) {
    Path valuesFile = writeValues(values);
    try {
      String output =
          new Helm(DIR)
              .install()
              .withName(RELEASE)
              .withNamespace(NAMESPACE)
              .withKubeVersion(KUBE_VERSION)
              .withValuesFile(valuesFile)
              .dryRun()
              .withDryRunOption(DryRun.CLIENT)
              .clientOnly()
              .call()
              .getOutput();
      int notes = output.indexOf("NOTES:");
      if (notes < 0) {
        throw new AssertionError("no NOTES in:\n" + output);
      }
      return output.substring(notes);
    } finally {
      deleteQuietly(valuesFile);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(HelmChart::deleteQuietly);
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }

  /** The parsed objects of one rendering, with the names they were rendered for. */
  record Rendering(String release, String namespace, String yaml, List<HasMetadata> objects) {

    <T extends HasMetadata> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type) {
      List<T> found = all(type);
      if (found.size() != 1) {
        throw new AssertionError(
            "expected one " + type.getSimpleName() + ", rendered " + found.size());
      }
      return found.getFirst();
    }

    List<String> kinds() {
      return objects.stream().map(HasMetadata::getKind).toList();
    }
  }

  private static Path writeValues(Map<String, ?> values) {
    var options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    try {
      Path file = Files.createTempFile("chart-values", ".yaml");
      Files.writeString(file, new Yaml(options).dump(values));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a leftover temporary file is harmless
    }
  }

  /**
   * Helm reads KUBECONFIG once, when its native library loads, so Surefire sets it (see pom.xml) to
   * a path this class fills with the fake API server's address.
   */
  private static FakeKubeApi startApi() {
    String kubeconfig = System.getenv("KUBECONFIG");
    if (kubeconfig == null || kubeconfig.isBlank()) {
      throw new IllegalStateException(
          "KUBECONFIG is not set: run the chart tests through Maven (Surefire sets it), or set it"
              + " to a writable file; it must never point at a real cluster");
    }
    var api = new FakeKubeApi();
    try {
      Path file = Path.of(kubeconfig);
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, api.kubeconfig());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return api;
  }
}
