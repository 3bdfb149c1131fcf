package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.cli.PreviewCommand;
import dev.pullsecret.webhook.registry.ImagePusher.Format;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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

/** {@code preview --resolve} asks a real registry and shows the images pinned by digest. */
class RegistryPreviewTest {

  private static final Credential USER = new Credential("previewer", "preview-pass");

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
        .contains("not resolved to a digest (not looked up: preview --resolve asks the registries)")
        .doesNotContain("@sha256:");
  }

  private static String preview(String... options) {
    List<String> args =
        new ArrayList<>(List.of("--rules", rules.toString(), "--namespace", "team"));
    args.addAll(List.of(options));
    args.add(manifest.toString());
    var out = new StringWriter();
    var err = new StringWriter();
    int status =
        new CommandLine(new PreviewCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args.toArray(String[]::new));
    assertThat(status).as(err.toString()).isZero();
    return out.toString();
  }
}
