package dev.pullsecret.webhook.http;

import static dev.pullsecret.webhook.testing.Reviews.json;
import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.rules.RulesStore;
import dev.pullsecret.webhook.testing.Management;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What operators see of the running webhook: the Prometheus metrics after real reviews, the answer
 * and the metric of an internal error forced through the real handler, and logs at DEBUG that never
 * carry the content of a pod spec.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "logging.level.dev.pullsecret.webhook=DEBUG",
      "logging.level.org.springframework.web=DEBUG"
    })
@Import(FailableRulesHandler.class)
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityTest {

  private static final TestServerFiles FILES = TestServerFiles.create("pullsecret-observe");
  private static final String CASES = "admission/cases/";
  private static final String PLAIN = CASES + "recorded-01-create-plain-pod.review.json";
  private static final String MIRRORED =
      CASES + "mirrored-namespace-pins-mirrors-and-redecides-pull-policy.review.json";
  private static final String NO_RULE = CASES + "namespace-without-rule-is-left-alone.review.json";

  /** Planted in a review's pod spec and metadata; must never reach the log. */
  private static final String MARKER = "MARKER-d41d8cd98f00";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    FILES.properties((name, value) -> registry.add(name, () -> value));
  }

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;

  @AfterEach
  void rulesWork() {
    FailableRulesHandler.RULES_FAIL.set(false);
  }

  @Nested
  class Metrics {

    @Test
    void everySeriesAnOperatorAlertsOnIsExported() throws Exception {
      post(resource(PLAIN));
      post(resource(MIRRORED));
      post(resource(NO_RULE));
      assertThat(post("{}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(400);

      String metrics = Management.scrape(managementPort);

      // requests by outcome and rule (never by namespace: see AdmissionMetrics), refusals by status
      assertThat(Management.value(metrics, admissions("default-namespace", "PATCHED")))
          .isPositive();
      assertThat(Management.value(metrics, admissions("mirrored", "PATCHED"))).isPositive();
      assertThat(Management.value(metrics, admissions("none", "NO_RULE"))).isPositive();
      assertThat(Management.value(metrics, "pullsecret_requests_refused_total{status=\"400\"}"))
          .isPositive();
      // mutations by kind
      for (String change : new String[] {"image", "pull_policy", "pull_secret"}) {
        assertThat(
                Management.value(
                    metrics,
                    "pullsecret_rule_changes_total{applied=\"true\",change=\""
                        + change
                        + "\",rule=\"mirrored\"}"))
            .as(change)
            .isPositive();
      }
      // latency histogram
      assertThat(metrics).containsPattern("pullsecret_admission_duration_seconds_bucket\\{le=\"");
      assertThat(Management.value(metrics, "pullsecret_admission_duration_seconds_count"))
          .isGreaterThan(2);
      // rules version and last reload result
      String version = "1/" + RulesStore.digest(resource("rules/test-rules.yaml"));
      assertThat(Management.value(metrics, "pullsecret_rules_info{version=\"" + version + "\"}"))
          .isEqualTo(1);
      assertThat(Management.value(metrics, "pullsecret_rules_generation")).isEqualTo(1);
      assertThat(Management.value(metrics, "pullsecret_rules_last_reload_success")).isEqualTo(1);
      assertThat(Management.value(metrics, "pullsecret_rules_reloads_total{result=\"loaded\"}"))
          .isPositive();
      // certificate expiry and last reload result
      assertThat(Management.value(metrics, "pullsecret_tls_certificate_expiry_seconds"))
          .isEqualTo(
              FILES.certificates().servingCertificate().getNotAfter().toInstant().getEpochSecond());
      assertThat(Management.value(metrics, "pullsecret_tls_last_reload_success")).isEqualTo(1);
    }

    @Test
    void namespacesSentInReviewsNeverBecomeLabelValues() throws Exception {
      for (int i = 0; i < 20; i++) {
        ObjectNode review = (ObjectNode) json(resource(PLAIN));
        ((ObjectNode) review.path("request")).put("namespace", "made-up-" + i);
        assertThat(post(Reviews.JSON.writeValueAsBytes(review)).status()).isEqualTo(200);
      }

      String metrics = Management.scrape(managementPort);

      // Labels come from the configuration only, so made-up namespaces add no series.
      assertThat(metrics).doesNotContain("made-up-").doesNotContain("namespace=");
      assertThat(Management.value(metrics, admissions("none", "NO_RULE")))
          .isGreaterThanOrEqualTo(20);
    }

    @Test
    void theRulesVersionInTheMetricsIsTheOneInTheAuditAnnotations() throws Exception {
      JsonNode answer = json(post(resource(PLAIN)).body());

      String version = answer.at("/response/auditAnnotations/rules-version").asString();

      assertThat(
              Management.value(
                  Management.scrape(managementPort),
                  "pullsecret_rules_info{version=\"" + version + "\"}"))
          .isEqualTo(1);
    }
  }

  @Nested
  class InternalErrors {

    @Test
    void areAnsweredAllowedWithoutPatchWithAWarningAndCounted(CapturedOutput output)
        throws Exception {
      double before =
          Management.value(Management.scrape(managementPort), admissions("none", "ERROR_IGNORED"));
      FailableRulesHandler.RULES_FAIL.set(true);

      var response = post(planted(resource(PLAIN)));

      assertThat(response.status()).isEqualTo(200);
      JsonNode answer = json(response.body()).path("response");
      assertThat(answer.path("uid").asString()).isEqualTo("250cb760-f3ec-4b35-bbb3-7c72e66cc42e");
      assertThat(answer.path("allowed").asBoolean()).isTrue();
      assertThat(answer.has("patch")).isFalse();
      assertThat(answer.path("warnings").get(0).asString())
          .isEqualTo(
              "pullsecret-webhook: internal error, pod admitted without changes (see the"
                  + " webhook's log)");
      assertThat(
              Management.value(
                  Management.scrape(managementPort), admissions("none", "ERROR_IGNORED")))
          .isEqualTo(before + 1);
      assertThat(output)
          .contains("Internal error on review uid=\"250cb760-f3ec-4b35-bbb3-7c72e66cc42e\"")
          .contains("rules unavailable (forced by the test)")
          .doesNotContain(MARKER);
    }
  }

  @Nested
  class Logs {

    @Test
    void aMutationIsLoggedAtDebugWithoutThePodSpec(CapturedOutput output) throws Exception {
      var response = post(planted(resource(PLAIN)));

      assertThat(response.status()).isEqualTo(200);
      assertThat(output)
          .containsPattern(
              "uid=\"250cb760-f3ec-4b35-bbb3-7c72e66cc42e\" ns=\"default\" pod=\"plain\""
                  + " op=\"CREATE\""
                  + " dryRun=false reason=PATCHED patched=2")
          .doesNotContain(MARKER)
          .doesNotContain("injected-pull-secret\"");
    }

    @Test
    void aRefusedReviewIsLoggedAtWarnWithoutThePodSpec(CapturedOutput output) throws Exception {
      ObjectNode review = (ObjectNode) json(planted(resource(PLAIN)));
      review.put("apiVersion", "admission.k8s.io/v1beta1");

      var response = post(Reviews.JSON.writeValueAsBytes(review));

      assertThat(response.status()).isEqualTo(400);
      assertThat(output).contains("Refused a review with 400").doesNotContain(MARKER);
    }
  }

  /** The review with {@link #MARKER} planted in its pod. */
  private static byte[] planted(byte[] review) {
    return Reviews.withMarker(review, MARKER);
  }

  private static String admissions(String rule, String reason) {
    return "pullsecret_admissions_total{dry_run=\"false\",reason=\""
        + reason
        + "\",rule=\""
        + rule
        + "\"}";
  }

  private TlsHttpConnection.Response post(byte[] body) throws Exception {
    try (var connection =
        TlsHttpConnection.open(FILES.sslContext(), TestServerFiles.SERVICE_HOST, port)) {
      return connection.post("/mutate", body);
    }
  }
}
