package dev.pullsecret.webhook.http;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import dev.pullsecret.webhook.testing.WebhookProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The webhook process with the environment the chart sets for {@code logFormat: ecs}: Spring Boot's
 * structured logging in the Elastic Common Schema, one JSON object per line, and at DEBUG still no
 * pod spec content in any of them.
 */
class StructuredLogsIT {

  private static final String PLAIN = "admission/cases/recorded-01-create-plain-pod.review.json";
  private static final String UID = "250cb760-f3ec-4b35-bbb3-7c72e66cc42e";

  /** Planted in the reviews' pod specs and metadata; must never reach the log. */
  private static final String MARKER = "MARKER-7b5e0c3a91f2";

  /** What the chart renders for {@code logFormat: ecs}, and the documented way to get DEBUG. */
  private static final Map<String, String> ENV =
      Map.of(
          "LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs",
          "LOGGING_LEVEL_DEV_PULLSECRET_WEBHOOK", "DEBUG");

  private static WebhookProcess webhook;
  private static List<String> lines;

  @BeforeAll
  static void reviewWithJsonLogs() throws Exception {
    var files = TestServerFiles.create("pullsecret-json-logs");
    webhook = WebhookProcess.start(files, Map.of(), ENV).awaitReady(Duration.ofSeconds(90));
    try (var connection =
        TlsHttpConnection.open(files.sslContext(), TestServerFiles.SERVICE_HOST, webhook.port())) {
      assertThat(connection.post("/mutate", Reviews.withMarker(resource(PLAIN), MARKER)).status())
          .isEqualTo(200);
    }
    try (var connection =
        TlsHttpConnection.open(files.sslContext(), TestServerFiles.SERVICE_HOST, webhook.port())) {
      ObjectNode refused = (ObjectNode) Reviews.json(Reviews.withMarker(resource(PLAIN), MARKER));
      refused.put("apiVersion", "admission.k8s.io/v1beta1");
      assertThat(connection.post("/mutate", Reviews.JSON.writeValueAsBytes(refused)).status())
          .isEqualTo(400);
    }
    lines = webhook.log().lines().filter(line -> !line.isBlank()).toList();
  }

  @AfterAll
  static void stop() {
    if (webhook != null) {
      webhook.close();
    }
  }

  @Test
  void everyLineIsOneJsonObjectWithTimeLevelLoggerAndMessage() {
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      JsonNode entry = Reviews.JSON.readTree(line);

      assertThat(entry.isObject()).as(line).isTrue();
      assertThat(entry.path("@timestamp").asString()).as(line).isNotEmpty();
      assertThat(entry.at("/log/level").asString()).as(line).isNotEmpty();
      assertThat(entry.at("/log/logger").asString()).as(line).isNotEmpty();
      assertThat(entry.path("message").asString()).as(line).isNotEmpty();
      assertThat(entry.at("/service/name").asString()).as(line).isEqualTo("pullsecret-webhook");
    }
  }

  @Test
  void theAdmissionLineIsADebugEntryOfTheEndpoint() {
    JsonNode admission =
        lines.stream()
            .map(Reviews.JSON::readTree)
            .filter(entry -> entry.path("message").asString().startsWith("uid=\"" + UID + "\""))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no admission line in:\n" + webhook.log()));

    assertThat(admission.at("/log/level").asString()).isEqualTo("DEBUG");
    assertThat(admission.at("/log/logger").asString()).isEqualTo(AdmissionEndpoint.class.getName());
    assertThat(admission.path("message").asString())
        .contains(
            "ns=\"default\" pod=\"plain\" op=\"CREATE\" dryRun=false reason=PATCHED patched=2");
  }

  @Test
  void noLineCarriesPodSpecContent() {
    assertThat(webhook.log()).contains("Refused a review with 400").doesNotContain(MARKER);
  }
}
