package dev.pullsecret.webhook.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The binaries of {@link KubeApiServer}: {@code etcd} and {@code kube-apiserver} in the folder
 * {@code KUBEBUILDER_ASSETS} names, as controller-runtime's envtest finds them. Without them the
 * tests that need them are skipped, saying how to get them, except on CI ({@code CI=true}), where
 * {@code .ci/run} provides them and their absence is a failure.
 */
final class KubeAssets {

  static final String ENV = "KUBEBUILDER_ASSETS";

  private KubeAssets() {}

  /** The folder, if it holds both binaries. */
  static Optional<Path> find() {
    String value = System.getenv(ENV);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    Path assets = Path.of(value);
    return Files.isExecutable(assets.resolve("etcd"))
            && Files.isExecutable(assets.resolve("kube-apiserver"))
        ? Optional.of(assets)
        : Optional.empty();
  }

  /** The folder, or the calling test is skipped (fails on CI). */
  static Path require() {
    Optional<Path> assets = find();
    if (assets.isEmpty()) {
      failOnCi();
      Assumptions.abort(missing());
    }
    return assets.orElseThrow();
  }

  /** Why there are no binaries, and how to get them. */
  static String missing() {
    String value = System.getenv(ENV);
    return (value == null || value.isBlank()
            ? ENV + " is not set"
            : "no executable etcd and kube-apiserver in " + ENV + "=" + value)
        + ": the tests on a real API server need them; run `bash ../shared/kube/unpack.sh`, then"
        + " `export "
        + ENV
        + "=/tmp/kube-assets` (.ci/run does)";
  }

  private static void failOnCi() {
    if ("true".equals(System.getenv("CI"))) {
      fail(missing());
    }
  }

  /**
   * Skips a whole test class before anything in it runs ({@code @BeforeAll} included), reported
   * with the reason, when the binaries are missing; fails it on CI. See {@link
   * RequiresKubeApiServer}.
   */
  static final class Required implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (find().isPresent()) {
        return ConditionEvaluationResult.enabled(ENV + " has etcd and kube-apiserver");
      }
      failOnCi();
      return ConditionEvaluationResult.disabled(missing());
    }
  }
}
