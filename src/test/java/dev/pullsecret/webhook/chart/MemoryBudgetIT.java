package dev.pullsecret.webhook.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart's memory limit, the image's JVM flags and the benchmark's flags stay in step. The image
 * bounds every area the JVM can bound (heap, metaspace, code cache), so the limit is their sum plus
 * a fixed allowance for the rest (thread stacks, the class-data archive, JIT arenas, TLS buffers,
 * malloc): a heap that may grow to its maximum can never be killed by the kubelet first.
 */
class MemoryBudgetIT {

  /** Thread stacks, CDS/AOT archive, symbols, compiler arenas, NIO buffers: measured ~55 MiB. */
  private static final long REST_MIB = 64;

  private static final Pattern TOOL_OPTIONS = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]+)\"");
  private static final Pattern RECOMMENDED = Pattern.compile("RECOMMENDED_JVM_OPTS=\"([^\"]+)\"");

  @Test
  void chartLimitHoldsEveryBoundedAreaOfTheImageFlagsAndTheRest() throws IOException {
    String flags = imageFlags();

    long budget =
        mib(flags, "-Xmx")
            + mib(flags, "-XX:MaxMetaspaceSize=")
            + mib(flags, "-XX:ReservedCodeCacheSize=")
            + REST_MIB;

    Container webhook =
        HelmChart.render(Map.of())
            .one(Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .getFirst();
    long limit = mib(webhook.getResources().getLimits().get("memory"));
    long request = mib(webhook.getResources().getRequests().get("memory"));
    assertThat(limit).as("memory limit (MiB) vs. the flags' budget").isGreaterThanOrEqualTo(budget);
    assertThat(limit).as("no more than 64 MiB unused headroom").isLessThanOrEqualTo(budget + 64);
    assertThat(request).as("request within the limit").isLessThanOrEqualTo(limit);
  }

  @Test
  void benchmarkRunsTheImageFlags() throws IOException {
    Matcher bench = RECOMMENDED.matcher(Files.readString(Path.of("bench", "lib.sh")));
    assertThat(bench.find()).isTrue();

    assertThat(imageFlags()).isEqualTo(bench.group(1) + " -XX:+ExitOnOutOfMemoryError");
  }

  private static String imageFlags() throws IOException {
    Matcher image = TOOL_OPTIONS.matcher(Files.readString(Path.of("Dockerfile")));
    assertThat(image.find()).as("JAVA_TOOL_OPTIONS in the Dockerfile").isTrue();
    return image.group(1);
  }

  /** The size of the flag starting with {@code prefix}, in MiB ({@code 96m}, {@code 1g}). */
  private static long mib(String flags, String prefix) {
    Matcher size =
        Pattern.compile("(?:^|\\s)" + Pattern.quote(prefix) + "(\\d+)([kKmMgG])").matcher(flags);
    assertThat(size.find()).as(prefix + " in the image flags").isTrue();
    long value = Long.parseLong(size.group(1));
    return switch (Character.toLowerCase(size.group(2).charAt(0))) {
      case 'k' -> value / 1024;
      case 'g' -> value * 1024;
      default -> value;
    };
  }

  private static long mib(Quantity quantity) {
    BigDecimal bytes = Quantity.getAmountInBytes(quantity);
    return bytes.divide(BigDecimal.valueOf(1024 * 1024)).longValue();
  }
}
