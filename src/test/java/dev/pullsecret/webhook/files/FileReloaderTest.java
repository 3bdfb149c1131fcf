package dev.pullsecret.webhook.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class FileReloaderTest {

  @Test
  void keepsPollingAfterACheckThrowsAndLogsWhatWasChecked(CapturedOutput output) {
    var digests = new AtomicInteger();
    FileReloader.Source<String> failingFirst =
        new FileReloader.Source<>() {
          @Override
          public String digest() {
            if (digests.incrementAndGet() == 2) {
              throw new IllegalStateException("disk on fire");
            }
            return "same";
          }

          @Override
          public String load(String previous) {
            return "value";
          }
        };

    try (var reloader = reloader(failingFirst)) {
      reloader.start();
      reloader.watch("test-poller", "test.interval", Duration.ofMillis(5), "x", value -> {});
      await().atMost(Duration.ofSeconds(5)).until(() -> digests.get() >= 4);
    }

    assertThat(output).contains("Unexpected error while checking x").contains("disk on fire");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT0S", "PT-1S", "PT0.0005S"})
  void refusesAnIntervalUnderAMillisecondNamingTheSetting(String interval) {
    try (var reloader = reloader(null)) {
      assertThatThrownBy(
              () ->
                  reloader.watch(
                      "test-poller",
                      "webhook.rules.poll-interval",
                      Duration.parse(interval),
                      "x",
                      value -> {}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "webhook.rules.poll-interval must be at least 1ms, got " + Duration.parse(interval));
    }
  }

  private static FileReloader<String, IllegalArgumentException> reloader(
      FileReloader.Source<String> source) {
    return new FileReloader<>(
        source, IllegalArgumentException.class, FileReloader.Refusal.AT_ONCE, List.of());
  }
}
