package dev.pullsecret.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.testing.TestContexts;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fault behind the handler (a bug, or hostile input that a bound missed and that exhausted the
 * stack) admits the pod unchanged, with the reason the alerts count: it never becomes a 500.
 */
class InternalErrorTest {

  static Stream<Supplier<Throwable>> faults() {
    return Stream.of(
        () -> new IllegalStateException("a bug"), () -> new StackOverflowError("hostile input"));
  }

  @ParameterizedTest
  @MethodSource("faults")
  void aFaultBehindTheHandlerAdmitsThePodUnchanged(Supplier<Throwable> fault) {
    var handler =
        TestContexts.offline(
            () -> {
              switch (fault.get()) {
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                default -> throw new AssertionError();
              }
            });

    AdmissionDecision decision =
        handler.decide(
            AdmissionRequest.podCreate(
                "u-1",
                new PodBuilder()
                    .withNewSpec()
                    .addNewContainer()
                    .withImage("nginx")
                    .endContainer()
                    .endSpec()
                    .build(),
                "team-a",
                false));

    assertThat(decision.uid()).isEqualTo("u-1");
    assertThat(decision.reason()).isEqualTo(Reason.ERROR_IGNORED);
    assertThat(decision.reason().denies()).isFalse();
    assertThat(decision.patch()).isEmpty();
  }
}
