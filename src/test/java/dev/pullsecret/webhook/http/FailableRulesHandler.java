package dev.pullsecret.webhook.http;

import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.rules.RulesStore;
import dev.pullsecret.webhook.testing.TestContexts;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The real admission handler, reading the real rules store through a supplier that a test can make
 * throw, as a bug behind the handler would: the way to force an internal error end to end.
 */
@TestConfiguration(proxyBeanMethods = false)
class FailableRulesHandler {

  /** While set, reading the rules throws. */
  static final AtomicBoolean RULES_FAIL = new AtomicBoolean();

  @Bean
  @Primary
  AdmissionHandler failableHandler(RulesStore store) {
    return TestContexts.offline(
        () -> {
          if (RULES_FAIL.get()) {
            throw new IllegalStateException("rules unavailable (forced by the test)");
          }
          return store.get();
        });
  }
}
