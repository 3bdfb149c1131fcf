package dev.pullsecret.webhook.rules;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.testing.ConfigMapVolume;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The rules file of a mounted ConfigMap changes a thousand times as fast as it can be written,
 * valid versions mixed with broken ones, while the reloader polls it every millisecond and a reader
 * takes snapshots from the store as requests do. Every snapshot must be one valid version, whole;
 * the last valid version must end up in force; refusals must be counted and logged; and the poller
 * must still be running afterwards.
 */
@ExtendWith(OutputCaptureExtension.class)
class RulesReloadStormIT {

  private static final int WRITES = 1_000;
  private static final Duration POLL = Duration.ofMillis(1);
  private static final Duration WITHIN = Duration.ofSeconds(10);

  /** Each kind of broken content the kubelet could hand the webhook, one after the other. */
  private static final List<Map<String, byte[]>> BROKEN =
      List.of(
          rulesFile("pullSecrets: [{name: regcred\nrules: []\n"), // not YAML
          rulesFile("rules: [{namespaces: [storm], pullSecrets: [undeclared]}]\n"), // invalid
          rulesFile(""), // empty
          Map.of("rules.yaml", new byte[] {'r', 'u', (byte) 0xC3, 0x28}), // not UTF-8
          Map.of("other.yaml", "# the key was removed\n".getBytes(UTF_8))); // no rules.yaml

  @TempDir Path dir;

  private final Counting listener = new Counting();

  /** Digest of every valid version written, to its number, filled in before the write. */
  private final Map<String, Integer> written = new ConcurrentHashMap<>();

  private RulesStore reloader;

  @AfterEach
  void stopReloader() {
    if (reloader != null) {
      reloader.close();
    }
  }

  @Test
  void readersOnlyEverSeeWholeValidVersionsAndTheLastOneWins(CapturedOutput output)
      throws Exception {
    var volume = new ConfigMapVolume(dir);
    write(volume, 0);
    reloader = RulesStore.start(volume.path("rules.yaml"), true, POLL, listener, Clock.systemUTC());
    var reader = new SnapshotReader(reloader);
    reader.start();

    int lastValid = storm(volume);
    reader.stop();

    // The listener is told after the store is swapped: once it has heard of the last version, the
    // reloader is done with it and its counts are final.
    await().atMost(WITHIN).until(() -> lastLoaded() == lastValid);
    assertThat(versionInForce()).isEqualTo(lastValid);
    assertThat(reader.problems).isEmpty();
    assertThat(reader.distinctVersions).as("versions the reader saw").hasSizeGreaterThan(1);
    assertThat(listener.refused)
        .as("refusals counted (broken versions are seen by a poller that never stops)")
        .hasPositiveValue();
    assertThat(
            occurrences(output.toString(), "Refused new rules from " + volume.path("rules.yaml")))
        .as("one log line per refusal counted")
        .isEqualTo(listener.refused.get());
    assertThat(reloader.get().generation())
        .as("one generation per load, the initial one included")
        .isEqualTo(listener.loaded.get());

    // The poller survived the storm: a version written afterwards is still picked up.
    write(volume, WRITES + 1);
    await().atMost(WITHIN).until(() -> versionInForce() == WRITES + 1);
  }

  /**
   * 3,500 declared names of 250 characters and 100 near misses of them (950 KB, under the size
   * limit) are refused within seconds, the last good rules kept. Before, each near miss was
   * compared with every declared name cell by cell for its "did you mean" hint: 73 s of CPU for one
   * refusal, the poller stuck meanwhile.
   */
  @Test
  void nearMissesOfManyLongNamesAreRefusedWithinSeconds() {
    var volume = new ConfigMapVolume(dir);
    write(volume, 0);
    reloader = RulesStore.start(volume.path("rules.yaml"), true, POLL, listener, Clock.systemUTC());
    var yaml = new StringBuilder("pullSecrets:\n");
    for (int i = 0; i < 3_500; i++) {
      yaml.append("- {name: ").append("a".repeat(240)).append(i).append(", source: s}\n");
    }
    yaml.append("rules: [{name: r, namespaces: [x], pullSecrets: [");
    for (int i = 0; i < 100; i++) {
      yaml.append(i == 0 ? "" : ",").append("a".repeat(240)).append('x').append(i);
    }
    volume.write(rulesFile(yaml.append("]}]\n").toString()));

    await().atMost(WITHIN).until(() -> listener.refused.get() == 1);
    assertThat(versionInForce()).isZero();
  }

  /** Writes valid and broken versions back to back; returns the number of the last valid one. */
  private int storm(ConfigMapVolume volume) {
    int lastValid = 0;
    for (int i = 1; i <= WRITES; i++) {
      if (i % 3 == 2) {
        volume.write(BROKEN.get(i % BROKEN.size()));
      } else {
        write(volume, i);
        lastValid = i;
      }
    }
    return lastValid;
  }

  private void write(ConfigMapVolume volume, int version) {
    byte[] content = validVersion(version);
    written.put(RulesStore.digest(content), version);
    volume.write("rules.yaml", content);
  }

  /** Version {@code n} gives namespace storm the secret regcred-n, and declares only that one. */
  private static byte[] validVersion(int n) {
    return """
        pullSecrets: [{name: regcred-%d}]
        rules: [{name: storm-%d, namespaces: [storm], pullSecrets: [regcred-%d]}]
        """
        .formatted(n, n, n)
        .getBytes(UTF_8);
  }

  private static Map<String, byte[]> rulesFile(String content) {
    return Map.of("rules.yaml", content.getBytes(UTF_8));
  }

  private static int occurrences(String text, String line) {
    return text.split(Pattern.quote(line), -1).length - 1;
  }

  private int versionInForce() {
    return versionOf(reloader.get());
  }

  private int lastLoaded() {
    return versionOf(listener.last);
  }

  private int versionOf(LoadedRules loaded) {
    return loaded == null ? -1 : written.getOrDefault(loaded.digest(), -1);
  }

  /** Takes snapshots as fast as it can and checks each is one whole version written as valid. */
  private final class SnapshotReader {

    private final RulesStore store;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Set<Integer> distinctVersions = ConcurrentHashMap.newKeySet();
    private final Thread thread = Thread.ofPlatform().name("snapshot-reader").unstarted(this::run);

    SnapshotReader(RulesStore store) {
      this.store = store;
    }

    void start() {
      thread.start();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join();
    }

    private void run() {
      long lastGeneration = 0;
      // A few problems say enough; stopping early keeps the failure message short.
      while (running.get() && problems.size() < 10) {
        LoadedRules snapshot = store.get();
        check(snapshot, lastGeneration);
        lastGeneration = snapshot.generation();
      }
    }

    private void check(LoadedRules snapshot, long lastGeneration) {
      Integer version = written.get(snapshot.digest());
      if (version == null) {
        problems.add("digest of no valid version: " + snapshot.version());
        return;
      }
      distinctVersions.add(version);
      if (!describe(snapshot.rules()).equals(describeVersion(version))) {
        problems.add(
            snapshot.version()
                + " has the digest of version "
                + version
                + " but "
                + describe(snapshot.rules()));
      }
      if (snapshot.generation() < lastGeneration) {
        problems.add("generation went back from " + lastGeneration + " to " + snapshot.version());
      }
    }
  }

  /** What version {@code n} holds, in the words of {@link #describe}. */
  private static String describeVersion(int n) {
    return "declares [regcred-%d], rule storm-%d gives [regcred-%d]".formatted(n, n, n);
  }

  private static String describe(Rules rules) {
    String rule =
        rules
            .forNamespace("storm", NamespaceLabels.NONE)
            .map(RuleMatch::rule)
            .map(r -> "rule " + r.name() + " gives " + names(r.pullSecrets()))
            .orElse("no rule for storm");
    return "declares " + names(rules.pullSecrets()) + ", " + rule;
  }

  private static List<String> names(List<PullSecret> secrets) {
    return secrets.stream().map(PullSecret::name).toList();
  }

  /** Counts what the reloader reports, as the metrics do. */
  private static final class Counting implements RulesStore.Listener {

    final AtomicInteger loaded = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    volatile LoadedRules last;

    @Override
    public void loaded(LoadedRules rules) {
      loaded.incrementAndGet();
      last = rules;
    }

    @Override
    public void refused(InvalidRulesException error) {
      refused.incrementAndGet();
    }
  }
}
