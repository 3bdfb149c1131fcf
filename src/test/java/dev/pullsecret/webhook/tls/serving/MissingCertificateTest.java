package dev.pullsecret.webhook.tls.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pullsecret.webhook.PullSecretWebhookApplication;
import dev.pullsecret.webhook.testing.Reviews;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Without a usable certificate the webhook does not start, and says which file and why. */
@ExtendWith(OutputCaptureExtension.class)
class MissingCertificateTest {

  @Test
  void refusesToStartAndNamesTheMissingFile(@TempDir Path dir, CapturedOutput output)
      throws Exception {
    Path rules = Files.write(dir.resolve("rules.yaml"), Reviews.resource("rules/test-rules.yaml"));
    Path cert = dir.resolve("tls/tls.crt");
    var application = new SpringApplicationBuilder(PullSecretWebhookApplication.class);

    Throwable failure =
        catchThrowable(
            () ->
                application.run(
                    "--webhook.tls.cert-file=" + cert,
                    "--webhook.tls.key-file=" + dir.resolve("tls/tls.key"),
                    "--webhook.rules.file=" + rules,
                    "--server.port=0",
                    "--management.server.port=0"));

    assertThat(causes(failure))
        .filteredOn(InvalidCertificateException.class::isInstance)
        .singleElement()
        .satisfies(e -> assertThat(e).hasMessage(cert + ": file does not exist"));
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains(
            "The webhook has no usable serving certificate: " + cert + ": file does not exist")
        .contains("Mount a kubernetes.io/tls Secret at the paths of webhook.tls.cert-file");
  }

  private static List<Throwable> causes(Throwable failure) {
    var chain = new ArrayList<Throwable>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }
}
