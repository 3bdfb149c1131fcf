package dev.pullsecret.webhook.testing;

import java.util.List;
import java.util.Objects;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * What Spring Boot would print for a start-up failure: the analyzers listed in spring.factories.
 */
public final class FailureAnalyses {

  private FailureAnalyses() {}

  /** The analyses of {@code failure}, by every analyzer that answers for it. */
  public static List<FailureAnalysis> of(Throwable failure) {
    return SpringFactoriesLoader.forDefaultResourceLocation()
        // the analyzers that need Spring's context to be made are left out; if ours were, none
        // would answer
        .load(FailureAnalyzer.class, (type, name, cause) -> {})
        .stream()
        .map(analyzer -> analyzer.analyze(failure))
        .filter(Objects::nonNull)
        .toList();
  }
}
