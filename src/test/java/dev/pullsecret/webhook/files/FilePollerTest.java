package dev.pullsecret.webhook.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class FilePollerTest {

  @Test
  void keepsPollingAfterACheckThrowsAndLogsWhatWasChecked(CapturedOutput output) {
    var calls = new AtomicInteger();
    Runnable failingFirst =
        () -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("disk on fire");
          }
        };

    try (var poller =
        FilePoller.start(
            "test-poller", "test.interval", Duration.ofMillis(5), () -> "x", failingFirst)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() >= 3);
    }

    assertThat(output).contains("Unexpected error while checking x").contains("disk on fire");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT0S", "PT-1S", "PT0.0005S"})
  void refusesAnIntervalUnderAMillisecondNamingTheSetting(String interval) {
    assertThatThrownBy(
            () ->
                FilePoller.start(
                    "test-poller",
                    "webhook.rules.poll-interval",
                    Duration.parse(interval),
                    () -> "x",
                    () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "webhook.rules.poll-interval must be at least 1ms, got " + Duration.parse(interval));
  }
}
