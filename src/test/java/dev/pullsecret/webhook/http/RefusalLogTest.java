package dev.pullsecret.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Refusals in the log: bounded per status and second, and the rest counted in the next line. */
@ExtendWith(OutputCaptureExtension.class)
class RefusalLogTest {

  private final AtomicLong nanos = new AtomicLong();
  private final AdmissionEndpoint.RefusalLog log =
      new AdmissionEndpoint.RefusalLog(nanos::get, new ConcurrentHashMap<>());

  @Test
  void aClientLoopingRefusalsWritesTenLinesASecond(CapturedOutput output) {
    for (int i = 0; i < 2_500; i++) {
      log.refused(415, "Content-Type must be application/json, got \"text/plain\"");
    }

    assertThat(lines(output, "Refused a review with 415"))
        .isEqualTo(AdmissionEndpoint.RefusalLog.PER_SECOND);
  }

  @Test
  void theNextSecondSaysHowManyWereLeftOut(CapturedOutput output) {
    for (int i = 0; i < 50; i++) {
      log.refused(415, "wrong type");
    }

    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    log.refused(415, "wrong type");

    assertThat(output)
        .contains("wrong type (40 more refused with 415 in the second before were not logged)");
  }

  @Test
  void eachStatusHasItsOwnShare(CapturedOutput output) {
    for (int i = 0; i < 50; i++) {
      log.refused(415, "wrong type");
    }

    log.refused(400, "empty body");

    assertThat(output).contains("Refused a review with 400: empty body");
  }

  private static long lines(CapturedOutput output, String text) {
    return output.getAll().lines().filter(line -> line.contains(text)).count();
  }
}
