package dev.pullsecret.webhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreviewCommandTest {

  private final PreviewCommand preview = new PreviewCommand();

  @Test
  void showsChangesPatchAndWarningsForEveryWorkload() {
    CommandRun run =
        CommandRun.of(
            preview,
            "--rules",
            "examples/rules.yaml",
            "--namespace",
            "ci-main",
            "examples/deployment.yaml");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("# Deployment/web in namespace ci-main: rule ci (glob ci-*), PATCHED\n")
        .contains(
            "  spec.containers[0].image: nginx ->"
                + " mirror.example.com/dockerhub/library/nginx:1.27.3\n")
        .contains("  spec.containers[0].imagePullPolicy: Always -> IfNotPresent\n")
        .contains("  spec.imagePullSecrets: (absent) -> [{\"name\":\"mirror-creds\"}]\n")
        .contains("\"op\":\"add\",\"path\":\"/spec/imagePullSecrets\"")
        .contains("  Warning: pullsecret-webhook: containers[0] (web): image nginx -> ")
        .contains("# CronJob/nightly-report in namespace ci-main: rule ci (glob ci-*), PATCHED\n")
        .contains("busybox:latest -> mirror.example.com/dockerhub/library/busybox:1.36")
        .contains("# Service/web: skipped, not a Pod or a workload with a pod template");
  }

  @Test
  void readsAKubectlListFromStandardInput() {
    String list =
        """
        apiVersion: v1
        kind: List
        items:
          - apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, namespace: team-a-prod}
            spec:
              template:
                spec:
                  containers: [{name: db, image: "registry.corp:5000/team/db:15"}]
        """;

    CommandRun run = CommandRun.preview(list, "--rules", "examples/rules.yaml", "-");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("# StatefulSet/db in namespace team-a-prod: rule team-a (glob team-a-*), PATCHED")
        .contains("spec.imagePullSecrets: (absent) -> [{\"name\":\"corp-creds\"}]");
  }

  @Test
  void saysWhenNothingChanges() {
    String pod =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: ok}
        spec:
          imagePullSecrets: [{name: dockerhub-creds}]
          containers: [{name: c, image: "nginx:1.27"}]
        """;

    CommandRun run =
        CommandRun.preview(pod, "--rules", "examples/rules.yaml", "--namespace", "shop", "-");

    assertThat(run.out()).isEqualTo("# Pod/ok in namespace shop: rule everyone, NOT_PATCHED\n");
  }

  @Test
  void showsWhatAnAuditRuleWouldDo(@TempDir Path dir) throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(
        rules,
        """
        pullSecrets: [{name: hub, registries: [docker.io]}]
        rules: [{name: trial, namespaces: ["*"], mode: audit, pullSecrets: [hub]}]
        """);
    String pod = "{kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: redis}]}}";

    CommandRun run = CommandRun.preview(pod, "--rules", rules.toString(), "--namespace", "x", "-");

    assertThat(run.out())
        .contains("# Pod/p in namespace x: rule trial (glob *), AUDITED")
        .contains(
            "Warning: pullsecret-webhook: audit mode, rule trial would have: added imagePullSecret hub")
        .doesNotContain("patch:");
  }

  @Test
  void needsANamespaceFromTheManifestOrTheCommandLine() {
    String pod = "{kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: redis}]}}";

    CommandRun run = CommandRun.preview(pod, "--rules", "examples/rules.yaml", "-");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("# Pod/p: no namespace; give --namespace");
  }

  @Test
  void refusesInvalidRulesWithTheirLocatedErrors() {
    CommandRun run =
        CommandRun.preview(
            "", "--rules", "examples/rules-with-mistakes.yaml", "--namespace", "x", "-");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("examples/rules-with-mistakes.yaml:9:5: rules[0].namespace");
  }

  @Test
  void reportsAManifestThatIsNotYaml() {
    CommandRun run = CommandRun.preview("kind: [unclosed", "--rules", "examples/rules.yaml", "-");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("preview: -: cannot be read as YAML").doesNotContain("\tat ");
  }

  /**
   * Aliases are counted once each by the YAML loader, but each one copies what it names when the
   * document is read into a tree: 20 pairs of aliases in 22 lines made a tree of 2 million values
   * (24 pairs, a 1 KB manifest, ended preview with an OutOfMemoryError and its stack trace at 256
   * MB of heap). A manifest's expanded values are bounded, and one past the bound is refused.
   */
  @Test
  void refusesAManifestWhoseAliasesExpandPastTheBound() {
    var bomb = new StringBuilder("kind: Pod\nmetadata: {name: bomb}\nx0: &a0 [lol, lol]\n");
    for (int i = 1; i <= 20; i++) {
      bomb.append("x%d: &a%d [*a%d, *a%d]\n".formatted(i, i, i - 1, i - 1));
    }
    bomb.append("spec: {containers: [{name: c, image: nginx}]}\n");

    CommandRun run =
        CommandRun.preview(
            bomb.toString(), "--rules", "examples/rules.yaml", "--namespace", "shop", "-");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("preview: -: cannot be read as YAML: more than 1000000 values")
        .doesNotContain("\tat ");
  }

  /** An alias inside what it names is an endless tree: it ended preview with StackOverflowError. */
  @Test
  void refusesAManifestWithAnAliasInsideWhatItNames() {
    CommandRun run =
        CommandRun.preview(
            "kind: Pod\nmetadata: {name: loop}\nx: &a [*a]\n",
            "--rules",
            "examples/rules.yaml",
            "--namespace",
            "shop",
            "-");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("preview: -: cannot be read as YAML: nested more than 200 deep")
        .doesNotContain("\tat ");
  }

  @Test
  void anUnexpectedFailureIsOneLineWithItsStackTraceOnlyUnderDebug() {
    String config = "no/such/config.json";

    CommandRun run =
        CommandRun.preview(
            "", "--rules", "examples/rules.yaml", "--resolve", "--docker-config", config, "-");
    CommandRun debug =
        CommandRun.preview(
            "",
            "--debug",
            "--rules",
            "examples/rules.yaml",
            "--resolve",
            "--docker-config",
            config,
            "-");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "preview: failed: java.io.UncheckedIOException: cannot read --docker-config"
                + " no/such/config.json\n");
    assertThat(debug.exitCode()).isEqualTo(1);
    assertThat(debug.err()).startsWith(run.err()).contains("\tat ");
  }

  @Test
  void needsRules() {
    CommandRun run = CommandRun.of(preview, "examples/deployment.yaml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--rules FILE is required");
  }

  /**
   * Rules may choose namespaces by label: preview takes them from Namespace objects or an option.
   */
  @Test
  void takesNamespaceLabelsFromNamespaceObjectsAndTheOption(@TempDir Path dir) throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(
        rules,
        """
        pullSecrets: [{name: hub}, {name: pay}]
        rules:
          - {name: everyone, namespaces: ["*"], pullSecrets: [hub]}
          - {name: payments, namespaceSelector: {matchLabels: {team: payments}}, pullSecrets: [pay]}
        """);
    String manifests =
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop, labels: {team: payments}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: in-shop, namespace: shop}
        spec: {containers: [{name: a, image: nginx}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: elsewhere, namespace: other}
        spec: {containers: [{name: a, image: nginx}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: quiet, namespace: quiet, labels: {pullsecret.dev/inject: disabled}}
        spec: {containers: [{name: a, image: nginx}]}
        """;

    CommandRun byObject = CommandRun.preview(manifests, "--rules", rules.toString(), "-");
    CommandRun byOption =
        CommandRun.preview(
            manifests, "--rules", rules.toString(), "--namespace-labels", "team=payments", "-");

    assertThat(byObject.out())
        .contains("# Pod/in-shop in namespace shop: rule payments (labels team=payments), PATCHED")
        .contains("# Pod/elsewhere in namespace other: rule everyone (glob *), PATCHED")
        .contains("# Pod/quiet in namespace quiet: no rule applies, OPTED_OUT");
    assertThat(byOption.out())
        .contains("# Pod/elsewhere in namespace other: rule payments (labels team=payments)");
  }
}
