package dev.pullsecret.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.Reason;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The outcomes of {@code pullsecret_rule_admissions_total} are listed in one place, {@link
 * Reason#RULE_OUTCOMES}: the metric's description and docs/operations.md name exactly those. (That
 * a decision naming its rule has one of them is an invariant of every fuzzed review.)
 */
class RuleOutcomesTest {

  private static final Pattern OUTCOME = Pattern.compile("\\b[A-Z][A-Z_]+[A-Z]\\b");

  @Test
  void metricDescriptionListsEveryOutcome() {
    var registry = new SimpleMeterRegistry();
    var request =
        AdmissionRequest.podCreate(
            "u-1",
            new PodBuilder().withNewMetadata().withName("p").endMetadata().build(),
            "strict",
            false);

    new AdmissionMetrics(registry)
        .reviewed(request, AdmissionDecision.denied("u-1", "strict", "refused"), 1_000);

    String description =
        registry.get("pullsecret.rule.admissions").counter().getId().getDescription();
    assertThat(outcomes(description)).containsExactlyElementsOf(names(Reason.RULE_OUTCOMES));
  }

  @Test
  void metricsReferenceListsEveryOutcome() throws Exception {
    String row =
        Files.readAllLines(Path.of("docs", "operations.md")).stream()
            .filter(line -> line.startsWith("| `pullsecret_rule_admissions_total` |"))
            .findFirst()
            .orElseThrow();
    String meaning = row.split("\\|")[4];

    assertThat(outcomes(meaning)).containsExactlyElementsOf(names(Reason.RULE_OUTCOMES));
  }

  private static List<String> outcomes(String text) {
    List<String> found = new ArrayList<>();
    Matcher m = OUTCOME.matcher(text);
    while (m.find()) {
      found.add(m.group());
    }
    return found;
  }

  private static List<String> names(Iterable<Reason> reasons) {
    List<String> names = new ArrayList<>();
    reasons.forEach(r -> names.add(r.name()));
    return names;
  }
}
