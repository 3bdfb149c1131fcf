package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.admission.DigestLookup;
import dev.pullsecret.webhook.admission.Reason;
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
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the webhook's admission logic: images pushed to a real registry (TLS, htpasswd) are
 * resolved with the credential of the rule's pull secret (its dockerconfigjson read by the
 * credentials package, as the kubelet reads it), written as {@code repo:tag@digest}, and a second
 * review of the pinned pod changes nothing; a registry that stalls costs a review its budget and no
 * more, leaving the image as it is (or refusing the pod, where the rule says deny).
 */
@WallClock
class RegistryAdmissionIT {

  private static final RegistryCredential USER =
      new RegistryCredential("registry.test", "puller", "admission-pass");
  private static final Duration BUDGET = Duration.ofMillis(400);

  @TempDir static Path dir;
  private static RegistryProcess registry;
  private static ImagePusher pusher;
  private static ServerSocket stalled;
  private static final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private static DigestResolver resolver;
  private static AdmissionHandler handler;

  @BeforeAll
  static void start() throws IOException {
    registry = RegistryProcess.withHtpasswd(dir, USER.username(), USER.password());
    var tls = TrustBundle.sslContext(Optional.of(registry.caBundle()));
    pusher = new ImagePusher(tls, registry.domain(), repository -> USER.basicAuthorization());
    stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(RegistryAdmissionIT::acceptForever);
    resolver = RegistryProcess.resolverTrusting(registry.caBundle());
    // The credentials seam: the content of the pull secret, as secret delivery will provide it.
    String dockerConfig =
        """
        {"auths":{"%s":{"username":"%s","password":"%s"}}}"""
            .formatted(registry.domain(), USER.username(), USER.password());
    DockerConfig corpCreds =
        PullSecretCheck.ofDecoded(
                PullSecretCheck.DOCKER_CONFIG_JSON,
                Map.of(
                    PullSecretCheck.DOCKER_CONFIG_JSON_KEY,
                    dockerConfig.getBytes(StandardCharsets.UTF_8)),
                List.of())
            .config();
    RegistryCredentials credentials =
        RegistryCredentials.fromPullSecrets(
            name -> name.equals("corp-creds") ? Optional.of(corpCreds) : Optional.empty());
    String rules =
        """
        pullSecrets:
          - name: corp-creds
            registries: ["%1$s"]
        rules:
          - name: pinned
            namespaces: [team]
            pullSecrets: [corp-creds]
            images:
              resolveDigests: {registries: ["%1$s", "%2$s"]}
          - name: strict
            namespaces: [strict]
            pullSecrets: [corp-creds]
            images:
              resolveDigests: {onFailure: deny}
          - name: watched
            namespaces: [watched]
            mode: audit
            pullSecrets: [corp-creds]
            images:
              resolveDigests: {onFailure: deny}
        """
            .formatted(registry.domain(), stalledDomain());
    var loaded =
        new LoadedRules(RulesParser.parse(rules, "rules.yaml"), 1, "test", Instant.EPOCH, "");
    handler =
        TestContexts.withDigests(
            () -> loaded, new DigestLookup(resolver, credentials, BUDGET, LookupObserver.NONE));
  }

  @AfterAll
  static void stop() throws IOException {
    if (resolver != null) {
      resolver.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (stalled != null) {
      stalled.close();
    }
    for (Socket socket : accepted) {
      socket.close();
    }
  }

  @Test
  void podImagesArePinnedToTheirDigestsAndTheSecondReviewChangesNothing() {
    String app = pusher.pushImage("team/app", "1.4", Format.DOCKER, "amd64");
    String tool = pusher.pushIndex("team/tool", "latest", Format.OCI, List.of("amd64", "arm64"));
    Pod pod =
        pod(
            "team",
            container(registry.domain() + "/team/app:1.4", "IfNotPresent"),
            container(registry.domain() + "/team/tool", "Always"),
            container("nginx:1.27", "IfNotPresent"));

    AdmissionDecision first = handler.decide(create(pod));
    Pod pinned = Reviews.patched(pod, first.patch());

    assertThat(first.reason()).isEqualTo(Reason.PATCHED);
    assertThat(pinned.getSpec().getContainers())
        .extracting(Container::getImage, Container::getImagePullPolicy)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                registry.domain() + "/team/app:1.4@" + app, "IfNotPresent"),
            org.assertj.core.groups.Tuple.tuple(
                registry.domain() + "/team/tool@" + tool, "IfNotPresent"),
            org.assertj.core.groups.Tuple.tuple("nginx:1.27", "IfNotPresent"));
    assertThat(pinned.getMetadata().getAnnotations())
        .containsEntry(
            Explanation.ANNOTATION,
            "rule=pinned; match=namespace team; pullSecrets=corp-creds; images=containers[0],containers[1];"
                + " digests=containers[0],containers[1]; pullPolicies=containers[1]");
    assertThat(first.warnings())
        .anySatisfy(w -> assertThat(w).contains("resolved 1.4 to its digest"));

    AdmissionDecision second = handler.decide(create(pinned));

    assertThat(second.reason()).isEqualTo(Reason.NOT_PATCHED);
    assertThat(second.patch()).isEmpty();
  }

  @Test
  void stalledRegistryLeavesTheImageAsItIsWithAWarningAndAnAuditAnnotation() {
    Pod pod = pod("team", container(stalledDomain() + "/team/slow:1", "IfNotPresent"));

    long start = System.nanoTime();
    AdmissionDecision decision = handler.decide(create(pod));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(BUDGET.plusMillis(300));
    assertThat(decision.reason()).isIn(Reason.PATCHED, Reason.NOT_PATCHED);
    assertThat(decision.patch().stream().map(op -> op.path().toString()))
        .noneMatch(path -> path.endsWith("/image"));
    String why =
        "(timeout: no answer from registry \""
            + stalledDomain()
            + "\" within the review's time budget of 400 ms)";
    assertThat(decision.warnings())
        .anySatisfy(w -> assertThat(w).contains("not resolved to a digest " + why));
    assertThat(decision.auditAnnotations().get("digests-unresolved")).contains(why);
  }

  @Test
  void ruleThatDeniesRefusesAPodWhoseTagCannotBeResolved() {
    Pod pod = pod("strict", container(registry.domain() + "/team/absent:9", "IfNotPresent"));

    AdmissionDecision decision = handler.decide(create(pod));
    String answer =
        new String(new AdmissionReviewCodec(1 << 20).encode(decision), StandardCharsets.UTF_8);

    assertThat(decision.reason()).isEqualTo(Reason.DIGEST_UNRESOLVED);
    assertThat(answer).contains("\"allowed\":false").contains("\"code\":403");
    assertThat(decision.refusal())
        .contains("rule strict requires images pinned by digest")
        .contains("team/absent:9");
  }

  @Test
  void refusalForARegistryThatIsDownNamesItsHostAndPortAndTheCause() throws IOException {
    String stopped;
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      stopped = "127.0.0.1:" + socket.getLocalPort();
    }
    Pod pod = pod("strict", container(stopped + "/team/app:1", "IfNotPresent"));

    AdmissionDecision decision = handler.decide(create(pod));

    assertThat(decision.reason()).isEqualTo(Reason.DIGEST_UNRESOLVED);
    assertThat(decision.refusal())
        .endsWith(
            "\""
                + stopped
                + "/team/app:1\" (error: registry \""
                + stopped
                + "\" unreachable: connection refused)");
  }

  @Test
  void ruleInAuditModeRefusesNothingAndRecordsWhatItCouldNotResolve() {
    String pushed = pusher.pushImage("team/audited", "1", Format.OCI, "amd64");
    Pod pod =
        pod(
            "watched",
            container(registry.domain() + "/team/audited:1", "IfNotPresent"),
            container(registry.domain() + "/team/absent:1", "IfNotPresent"));

    AdmissionDecision decision = handler.decide(create(pod));

    assertThat(decision.reason()).isEqualTo(Reason.AUDITED);
    assertThat(decision.patch()).isEmpty();
    assertThat(decision.warnings())
        .anySatisfy(w -> assertThat(w).contains("would have").contains("@" + pushed));
    assertThat(decision.auditAnnotations().get("digests-unresolved")).contains("team/absent:1");
  }

  /** The endpoint answers the webhook's own warm-up reviews with the offline handler, this one. */
  @Test
  void theWebhooksOwnWarmUpReviewNeverReachesARegistry() {
    Pod pod = pod("team", container(stalledDomain() + "/team/warm:1", "IfNotPresent"));
    int connections = accepted.size();

    AdmissionDecision decision =
        AdmissionHandler.offline(handler.rules(), handler.scope())
            .decide(create(pod, "pullsecret-webhook-warm-up"));

    assertThat(decision.warnings()).anySatisfy(w -> assertThat(w).contains("not looked up"));
    assertThat(accepted).hasSize(connections);
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

  private static Container container(String image, String policy) {
    var c = new Container();
    c.setImage(image);
    c.setImagePullPolicy(policy);
    return c;
  }

  private static Pod pod(String namespace, Container... containers) {
    for (int i = 0; i < containers.length; i++) {
      containers[i].setName("c" + i);
    }
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .withContainers(containers)
        .endSpec()
        .build();
  }

  private static AdmissionRequest create(Pod pod) {
    return create(pod, "uid-" + System.nanoTime());
  }

  private static AdmissionRequest create(Pod pod, String uid) {
    return Reviews.creation(uid, "p", pod);
  }
}
