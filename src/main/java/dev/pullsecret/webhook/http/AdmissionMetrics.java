package dev.pullsecret.webhook.http;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.Reason;
import dev.pullsecret.webhook.mutation.Change;
import dev.pullsecret.webhook.registry.LookupObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatusCode;

/**
 * Prometheus metrics of admissions, of what each rule did and of the registry lookups reviews made
 * (scraped from the management port); the rules' own metrics are {@code rules/RulesMetrics}.
 *
 * <p>Label values come only from the configuration and the code (rule names, reasons, change kinds,
 * mirrors as the rules write them, results), never from the request: a label taken from the body (a
 * namespace, say) lets any client that can reach the Service create series without end until the
 * heap is full. The namespace of a review is in its log line instead. So the number of series is
 * bounded by the rules in force.
 *
 * <p>Each meter's name, description and histogram are set once ({@link MeterProvider}); a review
 * adds only its tags, and finding a meter that exists skips the registry's filters.
 */
class AdmissionMetrics implements LookupObserver {

  /** {@code (PATCHED, AUDITED, ...)}: made once, as the description of every rule's counter. */
  private static final String RULE_OUTCOMES =
      Reason.RULE_OUTCOMES.stream().map(Reason::name).collect(Collectors.joining(", ", "(", ")"));

  private static final List<String> MIRROR_RESULTS =
      List.of("present", "absent", "error", "timeout");

  private final Timer latency;
  private final MeterProvider<Counter> admissions;
  private final MeterProvider<Counter> ruleAdmissions;
  private final MeterProvider<Counter> ruleChanges;
  private final MeterProvider<Counter> refusedRequests;
  private final MeterProvider<Counter> digestLookups;
  private final MeterProvider<Counter> mirrorLookups;
  private final MeterProvider<Timer> requests;
  private final Set<String> mirrors = ConcurrentHashMap.newKeySet();

  AdmissionMetrics(MeterRegistry registry) {
    BiFunction<String, String, MeterProvider<Counter>> counter =
        (name, description) ->
            Counter.builder(name).description(description).withRegistry(registry);
    this.latency =
        Timer.builder("pullsecret.admission.duration")
            .description("Time to answer an admission review, from body read to response bytes")
            .publishPercentileHistogram()
            .register(registry);
    this.admissions =
        counter.apply(
            "pullsecret.admissions",
            "Admission reviews answered, by reason and rule applied (none: no rule)");
    this.ruleAdmissions =
        counter.apply(
            "pullsecret.rule.admissions",
            "Admissions a rule applied to, by outcome " + RULE_OUTCOMES);
    this.ruleChanges =
        counter.apply(
            "pullsecret.rule.changes",
            "Changes made by a rule (applied=false: would make, in audit mode)");
    this.refusedRequests =
        counter.apply(
            "pullsecret.requests.refused",
            "Requests refused before admission (malformed, too slow, too large, wrong type, overloaded)");
    this.digestLookups =
        counter.apply(
            "pullsecret.digest.lookups",
            "Images whose tag a review resolved to a digest, by result");
    this.mirrorLookups =
        counter.apply(
            "pullsecret.mirror.lookups",
            "Images a review asked a when: present mirror about, by mirror and result");
    this.requests =
        Timer.builder("pullsecret.digest.lookup")
            .description(
                "Lookups at registries, digests and mirrors (HEAD manifest, token included)")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .withRegistry(registry);
    // Every series of registry lookups exists from the start, at 0: rate() and alerts see a
    // registry that has never failed rather than no data.
    List.of("hit", "miss", "error", "timeout").forEach(r -> digestLookups.withTag("result", r));
    List.of("found", "refused", "error", "timeout").forEach(r -> requests.withTag("result", r));
  }

  void reviewed(AdmissionRequest request, AdmissionDecision decision, long nanos) {
    latency.record(nanos, TimeUnit.NANOSECONDS);
    admissions
        .withTags(
            "reason",
            decision.reason().name(),
            "rule",
            Objects.requireNonNullElse(decision.rule(), "none"),
            "dry_run",
            String.valueOf(request.isDryRun()))
        .increment();
    if (decision.rule() == null) {
      return;
    }
    // Per rule: how often it matched and with what outcome, and what it changed (or would have, in
    // audit mode), so a platform team sees what each rule does before and after enforcing it.
    ruleAdmissions
        .withTags("rule", decision.rule(), "outcome", decision.reason().name())
        .increment();
    if (request.isDryRun()) {
      return;
    }
    for (Change change : decision.changes()) {
      ruleChanges
          .withTags(
              "rule",
              decision.rule(),
              "change",
              kind(change),
              "applied",
              String.valueOf(decision.isPatched()))
          .increment();
    }
  }

  private static String kind(Change change) {
    return switch (change) {
      case Change.SecretInjected s -> "pull_secret";
      case Change.ImageRewritten i -> "image";
      case Change.PullPolicySet p -> "pull_policy";
    };
  }

  void refused(HttpStatusCode status) {
    refusedRequests.withTag("status", String.valueOf(status.value())).increment();
  }

  /** {@code pullsecret_digest_lookups_total{result}}: error and timeout leave the image as is. */
  @Override
  public void resolved(String result) {
    digestLookups.withTag("result", result).increment();
  }

  /** {@code pullsecret_mirror_lookups_total{mirror,result}}: only present moves the image there. */
  @Override
  public void mirrorChecked(String mirror, String result) {
    if (mirrors.add(mirror)) {
      // A mirror's every result from its first lookup, at 0: an alert on error|timeout sees it.
      MIRROR_RESULTS.forEach(each -> mirrorLookups.withTags("mirror", mirror, "result", each));
    }
    mirrorLookups.withTags("mirror", mirror, "result", result).increment();
  }

  /** {@code pullsecret_digest_lookup_seconds{result}}: requests to registries, for either. */
  @Override
  public void requested(String result, long nanos) {
    requests.withTag("result", result).record(nanos, TimeUnit.NANOSECONDS);
  }
}
