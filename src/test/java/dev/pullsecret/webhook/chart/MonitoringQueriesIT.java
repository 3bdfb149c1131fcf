package dev.pullsecret.webhook.chart;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.testing.CrudApiServers;
import dev.pullsecret.webhook.testing.Management;
import dev.pullsecret.webhook.testing.StubCredentialProvider;
import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The alerts, the dashboard and the metrics reference of docs/operations.md name only series the
 * running webhook really exports, with labels it really sets: the real server, with secret delivery
 * on against fabric8's mock API server (CRUD mode), leads the sync loop, copies a pull secret into
 * a namespace, finds another's source missing and answers a few reviews (patched, not covered by a
 * rule, refused, a pod whose delivered secret is missing, an image asked of a mirror); then its
 * /actuator/prometheus is scraped and every query of the rendered PrometheusRule and of the
 * dashboard is checked against it.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "webhook.sync.enabled=true",
      "webhook.recovery.mode=report",
      "webhook.sync.namespace=" + MonitoringQueriesIT.OWN
    })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext
class MonitoringQueriesIT {

  static final String OWN = TestServerFiles.NAMESPACE;

  /** Labels Prometheus adds to every series of a target (a ServiceMonitor's target labels). */
  static final Set<String> TARGET_LABELS =
      Set.of("job", "instance", "pod", "service", "container", "endpoint");

  /**
   * Series of other systems the alerts read, with the labels they are read by. kube-state-metrics'
   * kube_pod_created: each pod's creation time, by the pod's namespace (kube-prometheus-stack
   * scrapes it with honorLabels, so `namespace` is the pod's).
   */
  static final Map<String, Set<String>> EXTERNAL = Map.of("kube_pod_created", Set.of("namespace"));

  /**
   * The families of secret delivery: the test fails unless the webhook it scrapes exports every one
   * (so the checks below never pass for a server that runs with delivery off).
   */
  static final Set<String> DELIVERY =
      Set.of(
          "pullsecret_secret_copies",
          "pullsecret_secret_sync_errors_total",
          "pullsecret_secret_sync_seconds_bucket",
          "pullsecret_secret_missing_at_admission_total",
          "pullsecret_secret_source_problems");

  /**
   * The families of credential providers: exported once a provider is configured and a pull secret
   * names it (the stub plugin here).
   */
  static final Set<String> PROVIDERS =
      Set.of(
          "pullsecret_provider_runs_total",
          "pullsecret_provider_credentials_remaining_seconds",
          "pullsecret_provider_credentials_lifetime_seconds");

  private static final TestServerFiles FILES = TestServerFiles.create("pullsecret-monitoring");
  private static final String CASES = "admission/cases/";

  /** The cluster: the webhook's namespace with the source of dockerhub-creds, and team-a. */
  private static final KubernetesMockServer API = CrudApiServers.create();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    FILES.properties((name, value) -> registry.add(name, () -> value));
    FILES.writeRules(resource("monitoring/rules.yaml"));
    var stub = StubCredentialProvider.install(FILES.dir().resolve("bin"), "stub-provider");
    Path config = FILES.dir().resolve("credential-providers.yaml");
    try {
      Files.writeString(config, stub.config("registry.test:5000", "1h", Map.of()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    registry.add("webhook.credential-providers.config", config::toString);
    registry.add("webhook.credential-providers.bin-dir", () -> stub.binDir().toString());
    API.init();
    try (KubernetesClient admin = API.createClient()) {
      for (String namespace : List.of(OWN, "team-a")) {
        admin
            .namespaces()
            .resource(
                new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
            .create();
      }
      admin.secrets().inNamespace(OWN).resource(dockerHubSource()).create();
      // fabric8 reads its configuration from system properties first.
      System.setProperty("kubernetes.master", admin.getConfiguration().getMasterUrl());
    }
    System.setProperty("kubernetes.auth.tryKubeConfig", "false");
    System.setProperty("kubernetes.auth.tryServiceAccount", "false");
  }

  @AfterAll
  static void forgetTheCluster() {
    System.clearProperty("kubernetes.master");
    System.clearProperty("kubernetes.auth.tryKubeConfig");
    System.clearProperty("kubernetes.auth.tryServiceAccount");
    // The mock server stays up until the JVM exits: the context closes after this method.
  }

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;

  private Scrape scrape;

  @BeforeAll
  void answerReviewsAndScrape() throws Exception {
    // Leading and reconciled: team-a has its copy of dockerhub-creds, none of gar-creds.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Management.scrape(managementPort)
                        .contains("pullsecret_secret_copies{state=\"synced\"} 1.0")
                    && Management.scrape(managementPort)
                        .contains("pullsecret_secret_copies{state=\"missing\"} 1.0")
                    && Management.scrape(managementPort)
                        .contains(
                            "pullsecret_provider_credentials_lifetime_seconds{pull_secret=\"provided-creds\"} 3600.0"));
    post(resource(CASES + "team-pod-gets-secrets-of-every-registry-it-uses.review.json"));
    post(resource(CASES + "recorded-01-create-plain-pod.review.json"));
    post(resource(CASES + "mirrored-namespace-pins-mirrors-and-redecides-pull-policy.review.json"));
    post(resource(CASES + "namespace-without-rule-is-left-alone.review.json"));
    post(resource("monitoring/mirror-checked.review.json"));
    assertThat(post("{}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(400);
    scrape = Scrape.read(Management.scrape(managementPort));
  }

  @Test
  void everyAlertReadsExportedSeriesByLabelsTheyHave() {
    var rules = Monitoring.rules(Monitoring.ruleSpec(Monitoring.rendering()));
    List<String> problems = new ArrayList<>();

    for (Map<String, Object> rule : rules) {
      problems.addAll(problems(rule.get("alert") + ": ", (String) rule.get("expr")));
    }

    assertThat(rules).hasSizeGreaterThanOrEqualTo(10);
    assertThat(problems).isEmpty();
  }

  @Test
  void everyDashboardQueryReadsExportedSeriesByLabelsTheyHave() {
    List<String> queries = Monitoring.dashboardQueries(Monitoring.dashboard());
    List<String> problems = new ArrayList<>();

    for (String query : queries) {
      problems.addAll(problems("dashboard: ", query));
    }

    assertThat(queries).hasSizeGreaterThanOrEqualTo(15);
    assertThat(problems).isEmpty();
  }

  @Test
  void theScrapedWebhookDeliversSecrets() {
    assertThat(DELIVERY).allMatch(scrape::exports, "exported");
  }

  @Test
  void theScrapedWebhookRenewsCredentialsFromAProvider() {
    assertThat(PROVIDERS).allMatch(scrape::exports, "exported");
  }

  /**
   * docs/digests.md recommends alerting on failed digest lookups: the chart ships that alert and
   * dashboard panels on them, reading series the webhook exports (at 0 from its start, checked with
   * every other query above).
   */
  @Test
  void failedDigestLookupsHaveAnAlertAndPanels() {
    var rules = Monitoring.rules(Monitoring.ruleSpec(Monitoring.rendering()));
    List<String> panels = Monitoring.dashboardQueries(Monitoring.dashboard());

    assertThat(rules)
        .filteredOn(rule -> "PullSecretWebhookDigestLookupsFailing".equals(rule.get("alert")))
        .singleElement()
        .satisfies(
            rule ->
                assertThat((String) rule.get("expr"))
                    .contains("pullsecret_digest_lookups_total{")
                    .contains("result=~\"error|timeout\""));
    assertThat(panels)
        .anyMatch(query -> query.contains("pullsecret_digest_lookups_total{"))
        .anyMatch(query -> query.contains("pullsecret_digest_lookup_seconds_bucket{"));
    assertThat(
            List.of("pullsecret_digest_lookups_total", "pullsecret_digest_lookup_seconds_bucket"))
        .allMatch(scrape::exports, "exported");
  }

  /**
   * The table of docs/operations.md lists exactly the webhook's own families (pullsecret_*), each
   * with its type and labels as scraped.
   */
  @Test
  void metricsReferenceListsExactlyTheWebhooksOwnMetrics() throws Exception {
    Map<String, Row> documented = referenceTable();
    Map<String, Row> exported = new TreeMap<>();
    scrape.families().entrySet().stream()
        .filter(family -> family.getKey().startsWith("pullsecret_"))
        .forEach(
            family ->
                exported.put(
                    family.getKey(),
                    new Row(
                        family.getValue(), labelsOfFamily(family.getKey(), family.getValue()))));

    assertThat(documented.keySet())
        .as("metrics in docs/operations.md (left) against the scrape")
        .containsExactlyInAnyOrderElementsOf(exported.keySet());
    assertThat(documented).containsExactlyInAnyOrderEntriesOf(exported);
  }

  /** The standard metrics the docs name (JVM, process) are exported too. */
  @Test
  void standardMetricsTheDocsNameAreExported() throws Exception {
    String doc = Files.readString(Monitoring.OPERATIONS_DOC);
    Matcher named = Pattern.compile("`((?:jvm|process|system|tomcat|http)_[a-z_]+)`").matcher(doc);
    Set<String> names = new TreeSet<>();
    while (named.find()) {
      names.add(named.group(1));
    }

    assertThat(names)
        .isNotEmpty()
        .allMatch(name -> scrape.exports(name) || scrape.families().containsKey(name), "exported");
  }

  /** The check itself: a misspelt series or label, or a grouping by namespace, is reported. */
  @Test
  void aQueryNamingWhatIsNotExportedIsReported() {
    assertSingleProblem(
        "sum(rate(pullsecret_admisions_total[5m]))", "pullsecret_admisions_total is not exported");
    assertSingleProblem("max(pullsecret_rules_info{versoin=\"1\"})", "has no label versoin");
    assertSingleProblem("sum by (rule) (pullsecret_rules_generation)", "grouped by rule");
    assertSingleProblem(
        "sum by (namespace) (rate(pullsecret_admissions_total[5m]))", "grouped by namespace");
    // Also "has no label namespace": the webhook's series have none (label values come from the
    // configuration only).
    assertThat(problems("", "pullsecret_admissions_total{namespace=\"x\"}"))
        .anySatisfy(problem -> assertThat(problem).contains("read by namespace"));
  }

  /** Asserts that {@code query} has one problem, which says {@code saying}. */
  private void assertSingleProblem(String query, String saying) {
    assertThat(problems("", query)).singleElement(STRING).contains(saying);
  }

  private List<String> problems(String where, String query) {
    List<String> problems = new ArrayList<>();
    Promql read = Promql.read(query);
    Set<String> known = new TreeSet<>(TARGET_LABELS);
    for (Promql.Selector selector : read.selectors()) {
      String metric = selector.metric();
      Set<String> labels;
      if (scrape.exports(metric)) {
        labels = scrape.labels(metric);
      } else if (EXTERNAL.containsKey(metric)) {
        labels = EXTERNAL.get(metric);
      } else {
        problems.add(where + metric + " is not exported or external, in: " + query);
        continue;
      }
      known.addAll(labels);
      // The webhook's series are never read by namespace: a label from requests is unbounded.
      if (metric.startsWith("pullsecret_") && selector.labels().contains("namespace")) {
        problems.add(where + metric + " is read by namespace in: " + query);
      }
      for (String label : selector.labels()) {
        if (!labels.contains(label) && !TARGET_LABELS.contains(label)) {
          problems.add(where + metric + " has no label " + label + " (it has " + labels + ")");
        }
      }
    }
    for (String label : read.groupingLabels()) {
      if (!known.contains(label) || label.equals("namespace")) {
        problems.add(where + "grouped by " + label + ", a label of none of its series: " + query);
      }
    }
    return problems;
  }

  /** The labels of a family's samples, without the histogram's {@code le}. */
  private Set<String> labelsOfFamily(String family, String type) {
    Set<String> labels = new TreeSet<>();
    Stream.of("", "_total", "_bucket", "_count", "_sum")
        .map(suffix -> family + suffix)
        .filter(scrape::exports)
        .forEach(sample -> labels.addAll(scrape.labels(sample)));
    if (type.equals("histogram")) {
      labels.remove("le");
    }
    return labels;
  }

  record Row(String type, Set<String> labels) {}

  private static final Pattern ROW =
      Pattern.compile("(?m)^\\| `(pullsecret_[a-z_]+)` \\| (\\w+) \\|([^|]*)\\|");
  private static final Pattern NAME = Pattern.compile("`([a-z_]+)`");

  /** Rows {@code | `name` | type | `label`, `label` | meaning |} of docs/operations.md. */
  static Map<String, Row> referenceTable() throws Exception {
    Map<String, Row> rows = new LinkedHashMap<>();
    Matcher row = ROW.matcher(Files.readString(Monitoring.OPERATIONS_DOC));
    while (row.find()) {
      Set<String> labels = new TreeSet<>();
      Matcher label = NAME.matcher(row.group(3));
      while (label.find()) {
        labels.add(label.group(1));
      }
      rows.put(row.group(1), new Row(row.group(2), labels));
    }
    return rows;
  }

  private TlsHttpConnection.Response post(byte[] body) throws Exception {
    try (var connection =
        TlsHttpConnection.open(FILES.sslContext(), TestServerFiles.SERVICE_HOST, port)) {
      return connection.post("/mutate", body);
    }
  }

  private static Secret dockerHubSource() {
    String auth = base64("robot:v1");
    String config = "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + auth + "\"}}}";
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(OWN)
        .withName("dockerhub-creds")
        .endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .withData(Map.of(".dockerconfigjson", base64(config)))
        .build();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
