package dev.pullsecret.webhook.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered manifests under {@code charts/pullsecret-webhook/examples/}, one per certificate
 * mode, are what the chart renders now. To refresh them after a chart change:
 *
 * <pre>
 * ./mvnw verify -Dit.test=ChartExamplesIT -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dchart.examples.write=true
 * </pre>
 */
class ChartExamplesIT {

  static final Path EXAMPLES = HelmChart.DIR.resolve("examples");
  static final String WRITE_PROPERTY = "chart.examples.write";
  static final String REFRESH =
      "./mvnw verify -Dit.test=ChartExamplesIT -Dtest=NONE"
          + " -Dsurefire.failIfNoSpecifiedTests=false -D"
          + WRITE_PROPERTY
          + "=true";

  /** Base64 of "CABUNDLE-FROM-THE-CERTS-COMMAND": a stand-in for caBundle.b64. */
  static final String SAMPLE_CA_BUNDLE = "Q0FCVU5ETEUtRlJPTS1USEUtQ0VSVFMtQ09NTUFORA==";

  /** Generated certificate material differs on every rendering; the examples show a marker. */
  private static final Pattern GENERATED =
      Pattern.compile(
          "(?m)^(\\s+(?:tls\\.crt|tls\\.key|ca\\.crt|caBundle)): [A-Za-z0-9+/=]{100,}$");

  static Stream<Arguments> examples() {
    return Stream.of(
        Arguments.of("helm.yaml", "", Map.of()),
        Arguments.of(
            "cert-manager.yaml",
            "--set certificates.mode=certManager",
            Values.of("certificates.mode", "certManager")),
        Arguments.of(
            "existing-secret.yaml",
            "--set certificates.mode=existingSecret --set certificates.existingSecret=webhook-tls"
                + " --set certificates.caBundle=\"$(cat certs/out/caBundle.b64)\"",
            Values.of(
                "certificates.mode", "existingSecret",
                "certificates.existingSecret", "webhook-tls",
                "certificates.caBundle", SAMPLE_CA_BUNDLE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleIsWhatTheChartRendersNow(String file, String flags, Map<String, ?> values)
      throws IOException {
    String expected =
        header(flags)
            + normalize(HelmChart.template(HelmChart.RELEASE, HelmChart.NAMESPACE, values));
    Path path = EXAMPLES.resolve(file);

    if (Boolean.getBoolean(WRITE_PROPERTY)) {
      Files.createDirectories(EXAMPLES);
      Files.writeString(path, expected);
    }

    assertThat(path).as("missing example; create it with: " + REFRESH).exists();
    assertThat(Files.readString(path))
        .as(path + " is stale; refresh it with: " + REFRESH)
        .isEqualTo(expected);
  }

  private static String header(String flags) {
    return """
        # helm template pullsecret-webhook charts/pullsecret-webhook -n pullsecret-webhook%s
        # Generated certificate material is shown as GENERATED-AT-INSTALL. Kept in sync with the
        # chart by ChartExamplesIT; refresh with:
        # %s
        """
        .formatted(flags.isEmpty() ? "" : " \\\n#   " + flags, REFRESH);
  }

  static String normalize(String rendered) {
    return GENERATED.matcher(rendered).replaceAll("$1: GENERATED-AT-INSTALL");
  }
}
