package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.DigestLookup;
import dev.pullsecret.webhook.admission.Reason;
import dev.pullsecret.webhook.cli.PreviewCommand;
import dev.pullsecret.webhook.credentials.DockerConfig;
import dev.pullsecret.webhook.credentials.PullSecretCheck;
import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.mutation.Explanation;
import dev.pullsecret.webhook.registry.ImagePusher.Format;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestContexts;
import dev.pullsecret.webhook.testing.WallClock;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Mirrors with {@code when: present} against two real registries (docker-registry, TLS, htpasswd,
 * each with its own user): {@code first} holds {@code hub/team/app:1.0}, {@code second} holds it
 * and {@code hub/team/tool:2.0}. Through the webhook's admission logic, with each mirror's
 * credential from the rule's pull secret for it: an image a mirror holds goes there, one it lacks
 * stays as it is, a chain falls back to its second mirror, a stalled mirror costs the review its
 * budget and keeps the image, an excluded repository is never asked about; and the webhook applied
 * to its own output changes nothing.
 */
@WallClock
class RegistryMirrorIT {

  private static final RegistryCredential FIRST_USER =
      new RegistryCredential("first", "first-puller", "first-pass");
  private static final RegistryCredential SECOND_USER =
      new RegistryCredential("second", "second-puller", "second-pass");
  private static final Duration BUDGET = Duration.ofMillis(600);
  private static final String UPSTREAM = "upstream.example.com";

  @TempDir static Path dir;
  private static RegistryProcess first;
  private static RegistryProcess second;
  private static ServerSocket stalled;
  private static final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private static DigestResolver resolver;
  private static AdmissionHandler handler;
  private static String appAtFirst;
  private static String toolAtSecond;
  private static final RecordingObserver observer = new RecordingObserver();

  @BeforeAll
  static void start() throws IOException {
    // One CA for both, so one bundle trusts them.
    CertificateSet certificates = RegistryProcess.certificates(KeyAlgorithm.ECDSA_P256);
    first =
        RegistryProcess.withHtpasswd(
            dir.resolve("first"), certificates, FIRST_USER.username(), FIRST_USER.password());
    second =
        RegistryProcess.withHtpasswd(
            dir.resolve("second"), certificates, SECOND_USER.username(), SECOND_USER.password());
    var tls = TrustBundle.sslContext(Optional.of(dir.resolve("first").resolve(PemFiles.CA_CRT)));
    appAtFirst =
        new ImagePusher(tls, first.domain(), r -> FIRST_USER.basicAuthorization())
            .pushImage("hub/team/app", "1.0", Format.OCI, "amd64");
    var toSecond = new ImagePusher(tls, second.domain(), r -> SECOND_USER.basicAuthorization());
    toSecond.pushImage("hub/team/app", "1.0", Format.OCI, "amd64");
    toolAtSecond = toSecond.pushIndex("hub/team/tool", "2.0", Format.DOCKER, List.of("amd64"));
    stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(RegistryMirrorIT::acceptForever);
    resolver = RegistryProcess.resolverTrusting(dir.resolve("first").resolve(PemFiles.CA_CRT));
    Map<String, DockerConfig> secrets =
        Map.of(
            "first-creds", dockerConfig(first.domain(), FIRST_USER),
            "second-creds", dockerConfig(second.domain(), SECOND_USER));
    RegistryCredentials credentials =
        RegistryCredentials.fromPullSecrets(name -> Optional.ofNullable(secrets.get(name)));
    String rules =
        """
        pullSecrets:
          - {name: upstream-creds, registries: ["%4$s"]}
          - {name: first-creds, registries: ["%1$s"]}
          - {name: second-creds, registries: ["%2$s"]}
        rules:
          - name: one
            namespaces: [one]
            pullSecrets: [upstream-creds, first-creds]
            images:
              mirrors: [{from: "%4$s", to: "%1$s/hub", when: present}]
          - name: chain
            namespaces: [chain]
            pullSecrets: [upstream-creds, first-creds, second-creds]
            images:
              mirrors:
                - {from: "%4$s", to: "%1$s/hub", when: present}
                - {from: "%4$s", to: "%2$s/hub", when: present}
          - name: chain-digests
            namespaces: [chain-digests]
            pullSecrets: [first-creds, second-creds]
            images:
              mirrors:
                - {from: "%4$s", to: "%1$s/hub", when: present}
                - {from: "%4$s", to: "%2$s/hub", when: present}
              resolveDigests: {registries: ["%1$s", "%2$s"]}
          - name: no-credential
            namespaces: [no-credential]
            pullSecrets: [upstream-creds]
            images:
              mirrors: [{from: "%4$s", to: "%1$s/hub", when: present}]
          - name: stalled
            namespaces: [stalled]
            pullSecrets: [upstream-creds, first-creds]
            images:
              mirrors:
                - {from: "%4$s", to: "%3$s/hub", when: present}
                - {from: "%4$s", to: "%1$s/hub", when: present}
          - name: excluded
            namespaces: [excluded]
            pullSecrets: [upstream-creds, first-creds]
            images:
              mirrors:
                - {from: "%4$s", to: "%1$s/hub", when: present, exclude: ["%4$s/team/app"]}
        """
            .formatted(first.domain(), second.domain(), stalledDomain(), UPSTREAM);
    var loaded =
        new LoadedRules(RulesParser.parse(rules, "rules.yaml"), 1, "test", Instant.EPOCH, "");
    handler =
        TestContexts.withDigests(
            () -> loaded, new DigestLookup(resolver, credentials, BUDGET, observer));
  }

  @AfterAll
  static void stop() throws IOException {
    if (resolver != null) {
      resolver.close();
    }
    for (RegistryProcess registry : new RegistryProcess[] {first, second}) {
      if (registry != null) {
        registry.close();
      }
    }
    if (stalled != null) {
      stalled.close();
    }
    for (Socket socket : accepted) {
      socket.close();
    }
  }

  @BeforeEach
  void forgetCounts() {
    observer.mirrors.clear();
    observer.digests.clear();
  }

  @Test
  void imageTheMirrorHoldsGoesThereWithTheMirrorsSecretOnly() {
    Pod pod = pod("one", UPSTREAM + "/team/app:1.0");

    AdmissionDecision decision = handler.decide(create(pod));
    Pod result = apply(pod, decision);

    assertThat(images(result)).containsExactly(first.domain() + "/hub/team/app:1.0");
    assertThat(Reviews.pullSecretNames(result)).containsExactly("first-creds");
    assertThat(decision.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains(
                        "(mirror " + UPSTREAM + " -> " + first.domain() + "/hub, which has it)"));
    assertThat(observer.mirrors).containsExactly(first.domain() + "/hub present");
    assertThat(handler.decide(create(result)).patch()).as("second review").isEmpty();
  }

  @Test
  void imageTheMirrorLacksStaysAsItIsWithItsOwnSecret() {
    Pod pod = pod("one", UPSTREAM + "/team/tool:2.0");

    AdmissionDecision decision = handler.decide(create(pod));
    Pod result = apply(pod, decision);

    assertThat(images(result)).containsExactly(UPSTREAM + "/team/tool:2.0");
    assertThat(Reviews.pullSecretNames(result)).containsExactly("upstream-creds");
    assertThat(annotation(result)).endsWith("; mirror=absent containers[0]");
    assertThat(decision.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains(
                        "not sent to mirror "
                            + first.domain()
                            + "/hub (absent: no manifest 2.0 in hub/team/tool); left as it is"));
    assertThat(decision.auditAnnotations().get("mirrors-absent"))
        .isEqualTo(
            "\""
                + first.domain()
                + "/hub/team/tool:2.0\" (absent: no manifest 2.0 in hub/team/tool)");
    assertThat(observer.mirrors).containsExactly(first.domain() + "/hub absent");
    assertThat(handler.decide(create(result)).patch()).as("second review").isEmpty();
  }

  @Test
  void chainFallsBackToTheSecondMirrorWhenTheFirstLacksTheImage() {
    Pod pod =
        pod("chain", UPSTREAM + "/team/app:1.0", UPSTREAM + "/team/tool:2.0", "quay.io/x/y:1");

    AdmissionDecision decision = handler.decide(create(pod));
    Pod result = apply(pod, decision);

    assertThat(images(result))
        .containsExactly(
            first.domain() + "/hub/team/app:1.0",
            second.domain() + "/hub/team/tool:2.0",
            "quay.io/x/y:1");
    assertThat(Reviews.pullSecretNames(result)).containsExactly("first-creds", "second-creds");
    assertThat(observer.mirrors)
        .containsExactlyInAnyOrder(
            first.domain() + "/hub present",
            second.domain() + "/hub present",
            first.domain() + "/hub absent",
            second.domain() + "/hub present");
    assertThat(handler.decide(create(result)).patch()).as("second review").isEmpty();
  }

  /** An image pinned by digest is asked for by its digest: the content, whatever its tag. */
  @Test
  void imagePinnedByDigestGoesToTheMirrorOnlyIfItServesThatDigest() {
    String other = "sha256:" + "0".repeat(64);
    Pod pod = pod("one", UPSTREAM + "/team/app:1.0@" + appAtFirst, UPSTREAM + "/team/app@" + other);

    Pod result = apply(pod, handler.decide(create(pod)));

    assertThat(images(result))
        .containsExactly(
            first.domain() + "/hub/team/app:1.0@" + appAtFirst, UPSTREAM + "/team/app@" + other);
    assertThat(observer.mirrors)
        .containsExactly(first.domain() + "/hub present", first.domain() + "/hub absent");
  }

  /** The digest of the mirrored image is the one its presence answer read: a cache hit. */
  @Test
  void digestOfTheMirroredImageIsPinnedFromThePresenceAnswer() {
    Pod pod = pod("chain-digests", UPSTREAM + "/team/app:1.0", UPSTREAM + "/team/tool:2.0");

    AdmissionDecision decision = handler.decide(create(pod));
    Pod result = apply(pod, decision);

    assertThat(images(result))
        .containsExactly(
            first.domain() + "/hub/team/app:1.0@" + appAtFirst,
            second.domain() + "/hub/team/tool:2.0@" + toolAtSecond);
    assertThat(observer.digests).containsExactly("hit", "hit");
    assertThat(handler.decide(create(result)).patch()).as("second review").isEmpty();
  }

  /** Presence is asked with the pod's credentials for the mirror: without one, it is not known. */
  @Test
  void mirrorAskedWithoutACredentialForItKeepsTheImage() {
    Pod pod = pod("no-credential", UPSTREAM + "/team/app:1.0");

    AdmissionDecision decision = handler.decide(create(pod));

    assertThat(images(apply(pod, decision))).containsExactly(UPSTREAM + "/team/app:1.0");
    assertThat(decision.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains(
                        "(error: registry asks for basic authentication and no credential is"
                            + " known)"));
    assertThat(observer.mirrors).containsExactly(first.domain() + "/hub error");
  }

  @Test
  void stalledMirrorCostsTheReviewItsBudgetAndKeepsTheImageOffIt() {
    Pod pod = pod("stalled", UPSTREAM + "/team/slow:1");

    long start = System.nanoTime();
    AdmissionDecision decision = handler.decide(create(pod));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(BUDGET.plusMillis(300));
    assertThat(decision.patch().stream().map(op -> op.path().toString()))
        .noneMatch(path -> path.endsWith("/image"));
    String why =
        "timeout: no answer from registry \""
            + stalledDomain()
            + "\" within the review's time budget of 600 ms";
    assertThat(decision.warnings()).anySatisfy(w -> assertThat(w).contains(why));
    assertThat(decision.auditAnnotations().get("mirrors-absent")).contains(why);
    assertThat(observer.mirrors)
        .containsExactlyInAnyOrder(
            stalledDomain() + "/hub timeout", first.domain() + "/hub absent");
  }

  @Test
  void excludedRepositoryIsKeptAndNeverAskedAbout() {
    Pod pod = pod("excluded", UPSTREAM + "/team/app:1.0");

    AdmissionDecision decision = handler.decide(create(pod));

    assertThat(decision.reason()).isEqualTo(Reason.PATCHED); // its own pull secret, nothing more
    assertThat(images(apply(pod, decision))).containsExactly(UPSTREAM + "/team/app:1.0");
    assertThat(decision.warnings()).noneMatch(w -> w.contains("mirror"));
    assertThat(observer.mirrors).isEmpty();
  }

  /** {@code preview --resolve} shows which mirror each image went to, and why the others not. */
  @Test
  void previewShowsWhichMirrorEachImageWentToAndWhy() throws IOException {
    Path rules = dir.resolve("preview-rules.yaml");
    Files.writeString(
        rules,
        """
        rules:
          - name: chain
            namespaces: [chain]
            images:
              mirrors:
                - {from: "%3$s", to: "%1$s/hub", when: present}
                - {from: "%3$s", to: "%2$s/hub", when: present}
        """
            .formatted(first.domain(), second.domain(), UPSTREAM));
    Path manifest = dir.resolve("preview-pod.yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          containers:
            - {name: app, image: "%1$s/team/app:1.0"}
            - {name: tool, image: "%1$s/team/tool:2.0"}
        """
            .formatted(UPSTREAM));
    Path dockerConfig = dir.resolve("preview-config.json");
    Files.writeString(
        dockerConfig,
        """
        {"auths":{"%s":{"username":"%s","password":"%s"},"%s":{"username":"%s","password":"%s"}}}"""
            .formatted(
                first.domain(),
                FIRST_USER.username(),
                FIRST_USER.password(),
                second.domain(),
                SECOND_USER.username(),
                SECOND_USER.password()));
    var out = new StringWriter();
    var err = new StringWriter();

    int status =
        new CommandLine(new PreviewCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(
                "--rules",
                rules.toString(),
                "--namespace",
                "chain",
                "--resolve",
                "--ca-bundle",
                dir.resolve("first").resolve(PemFiles.CA_CRT).toString(),
                "--docker-config",
                dockerConfig.toString(),
                manifest.toString());

    assertThat(status).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains(
            "containers[0] (app): image "
                + UPSTREAM
                + "/team/app:1.0 -> "
                + first.domain()
                + "/hub/team/app:1.0 (mirror "
                + UPSTREAM
                + " -> "
                + first.domain()
                + "/hub, which has it)")
        .contains(
            "containers[1] (tool): image "
                + UPSTREAM
                + "/team/tool:2.0 -> "
                + second.domain()
                + "/hub/team/tool:2.0 (mirror "
                + UPSTREAM
                + " -> "
                + second.domain()
                + "/hub, which has it)")
        .contains(
            "containers[1] (tool): "
                + UPSTREAM
                + "/team/tool:2.0 not sent to mirror "
                + first.domain()
                + "/hub (absent: no manifest 2.0 in hub/team/tool)")
        .contains("mirror=absent containers[1]");
  }

  /** Counts what admission reports, as the metrics would. */
  static final class RecordingObserver implements LookupObserver {
    final List<String> mirrors = new CopyOnWriteArrayList<>();
    final List<String> digests = new CopyOnWriteArrayList<>();

    @Override
    public void resolved(String result) {
      digests.add(result);
    }

    @Override
    public void mirrorChecked(String mirror, String result) {
      mirrors.add(mirror + " " + result);
    }

    @Override
    public void requested(String result, long nanos) {}
  }

  private static DockerConfig dockerConfig(String domain, RegistryCredential user) {
    String json =
        """
        {"auths":{"%s":{"username":"%s","password":"%s"}}}"""
            .formatted(domain, user.username(), user.password());
    return PullSecretCheck.ofDecoded(
            PullSecretCheck.DOCKER_CONFIG_JSON,
            Map.of(PullSecretCheck.DOCKER_CONFIG_JSON_KEY, json.getBytes(StandardCharsets.UTF_8)),
            List.of())
        .config();
  }

  private static void acceptForever() {
    while (!stalled.isClosed()) {
      try {
        accepted.add(stalled.accept()); // kept open, never answered
      } catch (IOException e) {
        return;
      }
    }
  }

  private static String stalledDomain() {
    return "127.0.0.1:" + stalled.getLocalPort();
  }

  static Pod pod(String namespace, String... images) {
    var builder =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .withNamespace(namespace)
            .endMetadata()
            .withNewSpec()
            .endSpec();
    Pod pod = builder.build();
    for (int i = 0; i < images.length; i++) {
      var c = new Container();
      c.setName("c" + i);
      c.setImage(images[i]);
      c.setImagePullPolicy("IfNotPresent");
      pod.getSpec().getContainers().add(c);
    }
    return pod;
  }

  static AdmissionRequest create(Pod pod) {
    return Reviews.creation("uid-" + System.nanoTime(), "p", pod);
  }

  static Pod apply(Pod pod, AdmissionDecision decision) {
    return Reviews.patched(pod, decision.patch());
  }

  static List<String> images(Pod pod) {
    return pod.getSpec().getContainers().stream().map(Container::getImage).toList();
  }

  private static String annotation(Pod pod) {
    return pod.getMetadata().getAnnotations().get(Explanation.ANNOTATION);
  }
}
