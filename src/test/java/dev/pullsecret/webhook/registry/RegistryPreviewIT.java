package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.cli.PreviewCommand;
import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.registry.ImagePusher.Format;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code preview --resolve} asks a real registry and shows the images pinned by digest, or the pod
 * refused where a rule says deny; without it, that nothing was asked.
 */
class RegistryPreviewIT {

  private static final RegistryCredential USER =
      new RegistryCredential("registry.test", "previewer", "preview-pass");

  @TempDir static Path dir;
  private static RegistryProcess registry;
  private static String digest;
  private static Path rules;
  private static Path manifest;
  private static Path dockerConfig;

  @BeforeAll
  static void start() throws IOException {
    registry =
        RegistryProcess.withHtpasswd(dir.resolve("registry"), USER.username(), USER.password());
    var pusher =
        new ImagePusher(
            TrustBundle.sslContext(Optional.of(registry.caBundle())),
            registry.domain(),
            repository -> USER.basicAuthorization());
    digest = pusher.pushIndex("team/web", "2.0", Format.OCI, List.of("amd64", "arm64"));
    rules =
        Files.writeString(
            dir.resolve("rules.yaml"),
            """
            rules:
              - name: pinned
                namespaces: [team]
                images:
                  resolveDigests: {}
              - name: strict
                namespaces: [strict]
                images:
                  resolveDigests: {onFailure: deny}
            """);
    manifest =
        Files.writeString(
            dir.resolve("pod.yaml"),
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - {name: web, image: "%s/team/web:2.0"}
            """
                .formatted(registry.domain()));
    dockerConfig =
        Files.writeString(
            dir.resolve("config.json"),
            """
            {"auths":{"%s":{"username":"%s","password":"%s"}}}"""
                .formatted(registry.domain(), USER.username(), USER.password()));
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void resolveShowsTheDigestItWouldWrite() {
    String out =
        preview(
            "--resolve",
            "--ca-bundle",
            registry.caBundle().toString(),
            "--docker-config",
            dockerConfig.toString());

    assertThat(out)
        .contains(registry.domain() + "/team/web:2.0@" + digest)
        .contains("resolved 2.0 to its digest");
  }

  @Test
  void withoutResolveTheImageIsReportedAsNotLookedUp() {
    String out = preview();

    assertThat(out)
        .contains(
            "Warning: pullsecret-webhook: containers[0] (web): digest of "
                + registry.domain()
                + "/team/web:2.0 not looked up (preview --resolve asks the registries)")
        .doesNotContain("left as it is")
        .doesNotContain("@sha256:");
  }

  /** What CI needs to catch: a pod the webhook would refuse fails the preview, saying why. */
  @Test
  void podThatADenyRuleRefusesIsShownRefusedAndFailsThePreview() throws IOException {
    String stopped;
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      stopped = "127.0.0.1:" + socket.getLocalPort();
    }
    Path pod =
        Files.writeString(
            dir.resolve("strict-pod.yaml"),
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: api}
            spec:
              containers:
                - {name: api, image: "%s/team/api:1"}
            """
                .formatted(stopped));

    Run run = run("--namespace", "strict", "--resolve", pod.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out())
        .isEqualTo(
            """
            # Pod/api in namespace strict: rule strict (namespace strict), DIGEST_UNRESOLVED, refused
            refused:
              pullsecret-webhook: rule strict requires images pinned by digest and these tags \
            could not be resolved: "%1$s/team/api:1" (error: registry "%1$s" unreachable: \
            connection refused)
            """
                .formatted(stopped));
  }

  private static String preview(String... options) {
    List<String> args = new ArrayList<>(List.of("--namespace", "team"));
    args.addAll(List.of(options));
    args.add(manifest.toString());
    Run run = run(args.toArray(String[]::new));
    assertThat(run.status()).as(run.err()).isZero();
    return run.out();
  }

  record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    List<String> all = new ArrayList<>(List.of("--rules", rules.toString()));
    all.addAll(List.of(args));
    var out = new StringWriter();
    var err = new StringWriter();
    int status =
        new CommandLine(new PreviewCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(all.toArray(String[]::new));
    return new Run(status, out.toString(), err.toString());
  }
}
