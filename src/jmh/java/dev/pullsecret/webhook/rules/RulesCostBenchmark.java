package dev.pullsecret.webhook.rules;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a namespace no review has shown yet costs with the worst rules file {@code validate} accepts
 * ({@link RulesCostTest#worstAcceptedRules()}: {@link RulesParser#MAX_GLOBS} globs of the shape
 * that made the regex engine backtrack, exact names up to {@link RulesParser#MAX_PATTERNS}): each
 * invocation asks for a namespace never asked before, 63 characters that every glob runs over and
 * none matches. The figure in docs/failure-semantics.md; RulesCostTest checks that none matches.
 *
 * <p>{@code ./mvnw -q -B -Pjmh -DskipTests test-compile exec:exec
 * -Djmh.args="RulesCostBenchmark"}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx256m"})
public class RulesCostBenchmark {

  private Rules rules;
  private int next;

  @Setup
  public void setUp() {
    rules = RulesParser.parse(RulesCostTest.worstAcceptedRules(), "worst.yaml");
  }

  @Benchmark
  public boolean aMadeUpNamespace() {
    return rules.forNamespace(RulesCostTest.madeUp(next++), NamespaceLabels.NONE).isEmpty();
  }
}
