package dev.pullsecret.webhook.http;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.Reason;
import dev.pullsecret.webhook.mutation.Change;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatusCode;

/**
 * Prometheus metrics of admissions and what each rule did (scraped from the management port); the
 * rules' own metrics are {@code rules/RulesMetrics}.
 *
 * <p>Label values come only from the configuration and the code (rule names, reasons, change
 * kinds), never from the request: a label taken from the body (a namespace, say) lets any client
 * that can reach the Service create series without end until the heap is full. The namespace of a
 * review is in its log line instead. So the number of series is bounded by the rules in force.
 *
 * <p>Counters are looked up once per combination of tags and cached: building and registering a
 * meter per request costs a tag sort and the registry's filters every time.
 */
class AdmissionMetrics {

  private record AdmissionKey(Reason reason, String rule, boolean dryRun) {}

  /** The rule label of a review no rule applied to. */
  static final String NO_RULE = "none";

  private record RuleKey(String rule, Reason outcome) {}

  private record ChangeKey(String rule, String change, boolean applied) {}

  /** {@code (PATCHED, AUDITED, ...)}: made once, as the description of every rule's counter. */
  private static final String RULE_OUTCOMES =
      Reason.RULE_OUTCOMES.stream().map(Reason::name).collect(Collectors.joining(", ", "(", ")"));

  private final MeterRegistry registry;
  private final Timer latency;
  private final Map<AdmissionKey, Counter> admissions = new ConcurrentHashMap<>();
  private final Map<RuleKey, Counter> ruleAdmissions = new ConcurrentHashMap<>();
  private final Map<ChangeKey, Counter> ruleChanges = new ConcurrentHashMap<>();

  AdmissionMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.latency =
        Timer.builder("pullsecret.admission.duration")
            .description("Time to answer an admission review, from body read to response bytes")
            .publishPercentileHistogram()
            .register(registry);
  }

  void reviewed(AdmissionRequest request, AdmissionDecision decision, long nanos) {
    latency.record(nanos, TimeUnit.NANOSECONDS);
    String rule = decision.rule() == null ? NO_RULE : decision.rule();
    var key = new AdmissionKey(decision.reason(), rule, request.isDryRun());
    admissions.computeIfAbsent(key, this::admissionCounter).increment();
    if (decision.rule() != null) {
      countRule(decision, request.isDryRun());
    }
  }

  /**
   * Per rule: how often it matched and with what outcome, and what it changed (or would have, in
   * audit mode), so a platform team sees what each rule does before and after enforcing it.
   */
  private void countRule(AdmissionDecision decision, boolean dryRun) {
    ruleAdmissions
        .computeIfAbsent(new RuleKey(decision.rule(), decision.reason()), this::ruleCounter)
        .increment();
    if (dryRun) {
      return;
    }
    for (Change change : decision.changes()) {
      var key = new ChangeKey(decision.rule(), kind(change), decision.isPatched());
      ruleChanges.computeIfAbsent(key, this::changeCounter).increment();
    }
  }

  private Counter admissionCounter(AdmissionKey key) {
    return Counter.builder("pullsecret.admissions")
        .description("Admission reviews answered, by reason and rule applied (none: no rule)")
        .tag("reason", key.reason().name())
        .tag("rule", key.rule())
        .tag("dry_run", String.valueOf(key.dryRun()))
        .register(registry);
  }

  private Counter ruleCounter(RuleKey key) {
    return Counter.builder("pullsecret.rule.admissions")
        .description("Admissions a rule applied to, by outcome " + RULE_OUTCOMES)
        .tag("rule", key.rule())
        .tag("outcome", key.outcome().name())
        .register(registry);
  }

  private Counter changeCounter(ChangeKey key) {
    return Counter.builder("pullsecret.rule.changes")
        .description("Changes made by a rule (applied=false: would make, in audit mode)")
        .tag("rule", key.rule())
        .tag("change", key.change())
        .tag("applied", String.valueOf(key.applied()))
        .register(registry);
  }

  private static String kind(Change change) {
    return switch (change) {
      case Change.SecretInjected s -> "pull_secret";
      case Change.ImageRewritten i -> "image";
      case Change.PullPolicySet p -> "pull_policy";
    };
  }

  void refused(HttpStatusCode status) {
    Counter.builder("pullsecret.requests.refused")
        .description("Requests refused before admission (malformed, too large, wrong type)")
        .tag("status", String.valueOf(status.value()))
        .register(registry)
        .increment();
  }
}
