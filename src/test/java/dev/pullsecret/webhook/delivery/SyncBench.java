package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.delivery.SyncFixture.OWN;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.delivery.SyncFixture.Replica;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.WebhookProcess;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for bench/README.md, against fabric8's mock API server (in-process, CRUD mode): not a
 * real API server, so they show the loop's own cost and its API calls, not a cluster's latency. Run
 * with {@code bench/sync.sh}; skipped in the normal build.
 */
@EnabledIfSystemProperty(named = "bench.sync", matches = "true")
class SyncBench {

  @TempDir Path dir;

  @Test
  void namespaceCreationToCopyPresent() throws Exception {
    try (var cluster = SyncFixture.withSource(dir)) {
      Replica replica = cluster.start("bench");
      await().until(replica::isLeader);
      Map<String, Long> arrived = new ConcurrentHashMap<>();
      try (Watch ignored = watchCopies(cluster, arrived, "v1")) {
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          String ns = "team-lat-" + i;
          long created = System.nanoTime();
          cluster.createNamespace(ns);
          await()
              .atMost(Duration.ofSeconds(5))
              .pollInterval(Duration.ofMillis(1))
              .until(() -> arrived.containsKey(ns));
          latencies.add(arrived.get(ns) - created);
        }
        printPercentiles(
            "namespace created -> copy present (200 namespaces, one at a time)", latencies);
      }
    }
  }

  @Test
  void fullSyncOfAThousandNamespaces() throws Exception {
    try (var cluster = SyncFixture.withSource(dir)) {
      for (int i = 0; i < 1_000; i++) {
        cluster.createNamespaceAsInACluster("team-" + i);
      }
      int before = cluster.server.calls();
      long started = System.nanoTime();
      Replica replica = cluster.start("bench");
      await().atMost(Duration.ofMinutes(5)).until(() -> replica.gauge("synced") == 1_000);
      print(
          "full sync, 1,000 namespaces with no copy: %.2f s from start (leader election included),"
              + " %d API calls",
          ms(System.nanoTime() - started) / 1000, cluster.server.calls() - before);

      Map<String, Long> rotated = new ConcurrentHashMap<>();
      try (Watch ignored = watchCopies(cluster, rotated, "v2")) {
        before = cluster.server.calls();
        started = System.nanoTime();
        cluster.updateSource(OWN, "dockerhub-creds", "v2");
        await().atMost(Duration.ofMinutes(5)).until(() -> rotated.size() == 1_000);
        print(
            "rotation of the source reaching all 1,000 copies: %.2f s, %d API calls",
            ms(System.nanoTime() - started) / 1000, cluster.server.calls() - before);
      }
    }
  }

  @Test
  void heapWithTwoThousandNamespaces() throws Exception {
    try (var cluster = SyncFixture.withSource(dir)) {
      for (int i = 0; i < 2_000; i++) {
        cluster.createNamespaceAsInACluster("team-" + i);
      }
      long baseline = usedHeapAfterGc();
      Replica replica = cluster.start("bench");
      await().atMost(Duration.ofMinutes(5)).until(() -> replica.gauge("synced") == 2_000);
      long after = usedHeapAfterGc();
      print(
          "heap after GC, 2,000 namespaces synced: +%.1f MiB (upper bound: includes the mock server's"
              + " own store of the 2,000 copies)",
          (after - baseline) / 1024.0 / 1024.0);
    }
  }

  /**
   * What delivery costs in resident memory, as the image runs: the packaged jar on Spring's AOT
   * wiring with the image's JVM flags, once with delivery off and once on with 2,000 namespaces
   * synced, each measured after a full collection and the JVM's next native-heap trim. Needs {@code
   * package} first (bench/sync.sh does it).
   */
  @Test
  void residentMemoryOfThePackagedJarWithTwoThousandNamespaces() throws Exception {
    try (var cluster = SyncFixture.withSource(dir)) {
      for (int i = 0; i < 2_000; i++) {
        cluster.createNamespaceAsInACluster("team-" + i);
      }
      var off = TestServerFiles.create("pullsecret-bench-off");
      var on = TestServerFiles.create("pullsecret-bench-on");
      on.writeRules(Reviews.resource("delivery/rules.yaml"));
      try (var withoutDelivery =
              WebhookProcess.startPackagedJar(off, Map.of(), List.of(NMT))
                  .awaitReady(Duration.ofSeconds(90));
          var withDelivery =
              WebhookProcess.startPackagedJar(
                      on,
                      Map.of(
                          "webhook.sync.enabled", "true",
                          "webhook.sync.namespace", OWN,
                          "webhook.sync.lease-name", "bench"),
                      List.of(
                          NMT,
                          "-Dkubernetes.master=" + cluster.admin.getConfiguration().getMasterUrl(),
                          "-Dkubernetes.auth.tryKubeConfig=false",
                          "-Dkubernetes.auth.tryServiceAccount=false"))
                  .awaitReady(Duration.ofSeconds(90))) {
        await()
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () ->
                    cluster
                            .admin
                            .secrets()
                            .inAnyNamespace()
                            .withLabel(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY)
                            .list()
                            .getItems()
                            .size()
                        == 2_000);
        for (var webhook : List.of(withoutDelivery, withDelivery)) {
          jcmd(webhook.process().pid(), "GC.run");
        }
        // The image's flags trim the native heap every 2 s.
        await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
        long offRss = rssKib(withoutDelivery.process().pid());
        long onRss = rssKib(withDelivery.process().pid());
        print(
            "RSS of the packaged jar (Spring AOT, image flags) after a full GC: delivery off %.0f MiB,"
                + " delivery on with 2,000 namespaces synced %.0f MiB: +%.0f MiB",
            offRss / 1024.0, onRss / 1024.0, (onRss - offRss) / 1024.0);
        Map<String, Double> offAreas = nmtCommittedMib(withoutDelivery.process().pid());
        Map<String, Double> onAreas = nmtCommittedMib(withDelivery.process().pid());
        var growth = new StringBuilder();
        onAreas.forEach(
            (area, mib) -> {
              double delta = mib - offAreas.getOrDefault(area, 0.0);
              if (Math.abs(delta) >= 0.5) {
                growth.append(String.format(" %s %+.1f;", area, delta));
              }
            });
        print("where it goes (NMT committed MiB, on - off):%s", growth);
        for (var webhook : List.of(withoutDelivery, withDelivery)) {
          long pid = webhook.process().pid();
          print(
              "delivery %s: old generation after the full GC: %s; metaspace, class space: %s",
              webhook == withDelivery ? "on" : "off",
              find(jcmd(pid, "GC.heap_info"), "Tenured total \\d+K, used \\d+K"),
              find(jcmd(pid, "VM.metaspace"), "Both: .*? used"));
        }
      }
    }
  }

  static final String NMT = "-XX:NativeMemoryTracking=summary";

  /** NMT's committed memory per area, in MiB ("Java Heap", "Class", "Thread", ...). */
  private static Map<String, Double> nmtCommittedMib(long pid)
      throws IOException, InterruptedException {
    var areas = new java.util.TreeMap<String, Double>();
    var line =
        java.util.regex.Pattern.compile(
            "-\\s+([A-Za-z][A-Za-z ]*?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)");
    var match = line.matcher(jcmdRaw(pid, "VM.native_memory", "summary", "scale=KB"));
    while (match.find()) {
      areas.put(match.group(1).trim(), Long.parseLong(match.group(2)) / 1024.0);
    }
    return areas;
  }

  private static String find(String text, String regex) {
    var match = java.util.regex.Pattern.compile(regex).matcher(text);
    return match.find() ? match.group() : "(not found: " + regex + ")";
  }

  static long rssKib(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
        .filter(line -> line.startsWith("VmRSS:"))
        .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
        .findFirst()
        .orElseThrow();
  }

  /** Runs {@code jcmd PID command} with this JVM's JDK; returns what it printed, on one line. */
  static String jcmd(long pid, String command) throws IOException, InterruptedException {
    return jcmdRaw(pid, command).replaceAll("\\s+", " ").trim();
  }

  private static String jcmdRaw(long pid, String... command)
      throws IOException, InterruptedException {
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    var arguments =
        new ArrayList<String>(List.of(java.resolveSibling("jcmd").toString(), "" + pid));
    arguments.addAll(List.of(command));
    var process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return out;
  }

  /** Records when each namespace's copy first holds {@code version}. */
  private static Watch watchCopies(SyncFixture cluster, Map<String, Long> arrived, String version) {
    return cluster
        .admin
        .secrets()
        .inAnyNamespace()
        .withLabel(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY)
        .watch(
            new Watcher<>() {
              @Override
              public void eventReceived(Action action, Secret secret) {
                if (action != Action.DELETED && SyncFixture.content(secret).equals(version)) {
                  arrived.putIfAbsent(secret.getMetadata().getNamespace(), System.nanoTime());
                }
              }

              @Override
              public void onClose(WatcherException cause) {}
            });
  }

  @Test
  void rulesConfigMapEditToRulesInForce() throws Exception {
    try (var server = new FaultyApiServer();
        var client = server.newClient()) {
      Path file = dir.resolve("rules.yaml");
      String rules = writeRules(file);
      var reloader = SyncFixture.reloader(file, Duration.ofHours(1));
      client.configMaps().inNamespace(OWN).resource(configMap(rules)).create();
      try (reloader;
          var watch =
              DeliveryConfiguration.watchRules(client, OWN, "rules", "rules.yaml", reloader)) {
        await().until(() -> watch.isWatching() && watch.hasSynced());
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          long generation = reloader.get().generation();
          long edited = System.nanoTime();
          client
              .configMaps()
              .inNamespace(OWN)
              .resource(configMap(rules + "\n# edit " + i + "\n"))
              .update();
          await()
              .pollInterval(Duration.ofMillis(1))
              .until(() -> reloader.get().generation() > generation);
          latencies.add(System.nanoTime() - edited);
        }
        printPercentiles(
            "rules ConfigMap edit -> rules in force through the API (50 edits)", latencies);
      }
    }
  }

  /** The webhook's part of the file path; the kubelet's 60-90 s before it cannot be run here. */
  @Test
  void rulesFileEditToRulesInForce() throws Exception {
    Path file = dir.resolve("rules.yaml");
    String rules = writeRules(file);
    try (var reloader = SyncFixture.reloader(file, Duration.ofSeconds(2))) {
      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        long generation = reloader.get().generation();
        long edited = System.nanoTime();
        Files.writeString(file, rules + "\n# edit " + i + "\n");
        await()
            .atMost(Duration.ofSeconds(5))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> reloader.get().generation() > generation);
        latencies.add(System.nanoTime() - edited);
        // Edits land at different points of the poll cycle.
        await().pollDelay(Duration.ofMillis(137 * (i + 1) % 2000)).until(() -> true);
      }
      latencies.sort(Long::compare);
      print(
          "rules file changed on disk -> rules in force (poll every 2 s, 10 edits): p50 %.0f ms, max"
              + " %.0f ms (plus the kubelet's ConfigMap volume sync before it: 60-90 s)",
          ms(latencies.get(4)), ms(latencies.getLast()));
    }
  }

  /** Writes the delivery test rules to {@code file}; returns them. */
  private static String writeRules(Path file) throws IOException {
    String rules = new String(Reviews.resource("delivery/rules.yaml"), StandardCharsets.UTF_8);
    Files.writeString(file, rules);
    return rules;
  }

  private static io.fabric8.kubernetes.api.model.ConfigMap configMap(String rules) {
    return new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(OWN)
        .withName("rules")
        .endMetadata()
        .addToData("rules.yaml", rules)
        .build();
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Prints {@code what: p50 …, p95 …, max …} (nearest rank, in ms) of {@code latencies}. */
  static void printPercentiles(String what, List<Long> latencies) {
    List<Long> sorted = latencies.stream().sorted().toList();
    print(
        "%s: p50 %.1f ms, p95 %.1f ms, max %.1f ms",
        what, ms(percentile(sorted, 50)), ms(percentile(sorted, 95)), ms(sorted.getLast()));
  }

  /** The nearest-rank {@code p}th percentile of {@code sorted}. */
  private static long percentile(List<Long> sorted, int p) {
    return sorted.get((int) Math.ceil(sorted.size() * p / 100.0) - 1);
  }

  private static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }

  static void print(String format, Object... args) {
    System.out.println("BENCH " + String.format(format, args));
  }
}
