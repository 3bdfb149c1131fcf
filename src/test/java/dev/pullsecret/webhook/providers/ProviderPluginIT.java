package dev.pullsecret.webhook.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.providers.PluginFailure.Kind;
import dev.pullsecret.webhook.testing.StubCredentialProvider;
import dev.pullsecret.webhook.testing.WallClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A real plugin process (the stub, a bash script speaking the exec protocol) answering, failing,
 * hanging, flooding and talking nonsense: every case is a {@link PluginFailure} of its kind, the
 * process is gone afterwards, and no message holds a credential.
 */
@WallClock
class ProviderPluginIT {

  private static final RegistryPattern REGISTRY = RegistryPattern.parse("registry.test:5000/team");
  private static final String SECRET = "s3cr3T-Pa55word-0123456789-XYZabc";
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  @TempDir Path dir;
  private StubCredentialProvider stub;
  private ProviderPlugin plugin;

  @BeforeEach
  void install() {
    stub = StubCredentialProvider.install(dir.resolve("bin"), "stub-provider");
    plugin = plugin(Map.of("STUB_SETTING", "from-the-config"));
  }

  private ProviderPlugin plugin(Map<String, String> env) {
    CredentialProvider provider =
        CredentialProvider.parse(stub.config("registry.test:5000", "1h", env), "config.yaml")
            .getFirst();
    return new ProviderPlugin(provider, stub.binDir(), TIMEOUT);
  }

  @Test
  void answersWithTheCredentialsAndLifetimeThePluginGives() throws Exception {
    stub.set("CACHE_DURATION", "90s").set("USERNAMES", "puller").set("PASSWORD", SECRET);

    PluginResponse.Answer answer = plugin.ask(REGISTRY);

    assertThat(answer.auth())
        .containsExactly(new RegistryCredential("registry.test:5000/team", "puller", SECRET));
    assertThat(answer.lifetime()).isEqualTo(Duration.ofSeconds(90));
    assertThat(answer.toString()).doesNotContain(SECRET);
  }

  @Test
  void isAskedAsTheKubeletAsksWithItsEnvironmentAndTheConfiguredOne() throws Exception {
    plugin.ask(REGISTRY);

    assertThat(stub.lastRequest())
        .contains("\"kind\":\"CredentialProviderRequest\"")
        .contains("\"apiVersion\":\"" + StubCredentialProvider.API_VERSION + "\"")
        .contains("\"image\":\"registry.test:5000/team\"");
    assertThat(stub.lastEnvironment())
        .contains("STUB_SETTING=from-the-config")
        .anySatisfy(line -> assertThat(line).startsWith("PATH=" + System.getenv("PATH")));
  }

  @Test
  void withoutCacheDurationTheAnswerLeavesTheLifetimeToTheConfig() throws Exception {
    assertThat(plugin.ask(REGISTRY).lifetime()).isEqualTo(Duration.ofHours(1));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "fail,          EXIT_STATUS,      it exited with status 3",
    "garbage,       INVALID_RESPONSE, its output is not JSON",
    "wrong-kind,    INVALID_RESPONSE, it answered kind \"CredentialProviderRequest\", not CredentialProviderResponse",
    "wrong-version, INVALID_RESPONSE, it answered apiVersion \"credentialprovider.kubelet.k8s.io/v1alpha1\" where the config says credentialprovider.kubelet.k8s.io/v1",
    "uncovered,     NOT_COVERED,      its answer has no credentials for registry registry.test:5000/team (keys: \"other.example.com\")",
    "uncovered-userinfo, NOT_COVERED, 'its answer has no credentials for registry registry.test:5000/team (keys: \"other.example.com\", \"line\\nbreak.example.com\")'",
    "flood,         OUTPUT_TOO_LARGE, it wrote more than 1048576 bytes to its stdout: killed",
    "flood-stderr,  OUTPUT_TOO_LARGE, it wrote more than 65536 bytes to its stderr: killed",
  })
  void aPluginThatDoesNotAnswerRightIsReportedByKindWithoutItsCredentials(
      String behaviour, Kind kind, String message) {
    stub.behaviour(behaviour).set("PASSWORD", SECRET);

    PluginFailure failure = failure();

    assertThat(failure.kind()).isEqualTo(kind);
    assertThat(failure.getMessage()).contains(message).doesNotContain(SECRET);
  }

  @Test
  void itsStandardErrorIsShownWithTokensAndTheCredentialsItGaveRedacted() throws Exception {
    stub.set("PASSWORD", "hunter2-short");
    plugin.ask(REGISTRY);
    stub.behaviour("fail");

    String message = failure().getMessage();

    assertThat(message)
        .contains(
            "AccessDeniedException: not authorized to get a token for registry.test:5000/team")
        .contains("last token <redacted>")
        .doesNotContain("hunter2-short");
    stub.set("PASSWORD", SECRET);
    assertThat(failure().getMessage()).contains("last token <redacted>").doesNotContain(SECRET);
  }

  @Test
  void aPluginThatHangsIsKilledWithWhatItStartedAtTheTimeOut() {
    stub.behaviour("hang");
    long started = System.nanoTime();

    PluginFailure failure = failure();

    assertThat(failure.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(failure.getMessage()).contains("no answer within 3s").contains("killed");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT.plusSeconds(5));
    long child = stub.child().orElseThrow();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
  }

  /** A daemon it started, its output closed, would live on: one more at every renewal. */
  @Test
  void aDaemonStartedByAPluginThatAnsweredDoesNotOutliveTheRun() throws Exception {
    stub.behaviour("daemon");

    assertThat(plugin.ask(REGISTRY).auth()).hasSize(1);
    long child = stub.child().orElseThrow();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
  }

  /** A daemon it started (no longer its descendant) would hold the output and live on. */
  @Test
  void aPluginThatHangsIsKilledWithTheDaemonItStarted() {
    stub.behaviour("hang-daemon");

    assertThat(failure().kind()).isEqualTo(Kind.TIMEOUT);
    long child = stub.child().orElseThrow();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
  }

  /**
   * A plugin that exits leaving a child with its output open (a cache daemon it started) is a
   * failure, and the child does not outlive the run: it would hold the two threads reading the
   * output, and itself, for as long as it likes, one more at every renewal.
   */
  @Test
  void aChildLeftRunningWithTheOutputIsKilled() {
    stub.behaviour("orphan");

    PluginFailure failure = failure();

    assertThat(failure.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(failure.getMessage()).contains("kept its output open");
    long child = stub.child().orElseThrow();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void anEndlessStreamIsCutLongBeforeTheTimeOut() {
    stub.behaviour("flood");
    long started = System.nanoTime();

    assertThat(failure().kind()).isEqualTo(Kind.OUTPUT_TOO_LARGE);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT);
  }

  /**
   * A cacheDuration of a million digits (1 MB, within the output's bound) was read as one number
   * before it was found too long: about 14 s of CPU on the 2-core machine, after the plugin had
   * exited (so outside its time-out), and again at every retry of the renewal.
   */
  @Test
  void aDurationOfAMillionDigitsIsRefusedAtOnce() {
    stub.set("CACHE_DURATION", "9".repeat(1_000_000) + "h");
    long started = System.nanoTime();

    PluginFailure failure = failure();

    assertThat(failure.kind()).isEqualTo(Kind.INVALID_RESPONSE);
    assertThat(failure.getMessage()).contains("is too long a duration");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT);
  }

  @Test
  void aMissingBinaryIsReportedWithItsPath() throws Exception {
    Files.delete(stub.binDir().resolve("stub-provider"));

    PluginFailure failure = failure();

    assertThat(failure.kind()).isEqualTo(Kind.MISSING_BINARY);
    assertThat(failure.getMessage())
        .contains(stub.binDir().resolve("stub-provider") + " does not exist");
  }

  @Test
  void aBinaryThatCannotBeRunIsReportedAsMissing() throws Exception {
    Files.setPosixFilePermissions(
        stub.binDir().resolve("stub-provider"), PosixFilePermissions.fromString("rw-r--r--"));

    PluginFailure failure = failure();

    assertThat(failure.kind()).isEqualTo(Kind.MISSING_BINARY);
    assertThat(failure.getMessage()).contains("is not an executable file");
  }

  @Test
  void aRegistryItsMatchImagesDoNotCoverIsNeverAsked() {
    PluginFailure failure =
        catchThrowableOfType(
            PluginFailure.class, () -> plugin.ask(RegistryPattern.parse("registry.other")));

    assertThat(failure.kind()).isEqualTo(Kind.NOT_CONFIGURED);
    assertThat(failure.getMessage()).contains("none of its matchImages (registry.test:5000)");
    assertThat(stub.runs()).isZero();
  }

  @Test
  void neverRunsTwiceAtOnce() throws Exception {
    stub.set("DELAY", "1");
    List<CompletableFuture<PluginResponse.Answer>> asked = new ArrayList<>();
    try (var threads = Executors.newFixedThreadPool(3)) {
      for (int i = 0; i < 3; i++) {
        asked.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return plugin.ask(REGISTRY);
                  } catch (PluginFailure e) {
                    throw new IllegalStateException(e);
                  }
                },
                threads));
      }
      CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).get();
    }

    assertThat(stub.runs()).isEqualTo(3);
    assertThat(stub.overlaps()).isZero();
  }

  private PluginFailure failure() {
    return catchThrowableOfType(PluginFailure.class, () -> plugin.ask(REGISTRY));
  }
}
