package dev.pullsecret.webhook.tls.serving;

import java.nio.file.Path;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A certificate or key file that cannot be served. Unchecked because callers cannot repair files at
 * run time; the message names the file and what to fix, fit to show an operator as is.
 */
public class InvalidCertificateException extends RuntimeException {

  public InvalidCertificateException(Path file, String problem) {
    this(file, problem, null);
  }

  public InvalidCertificateException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }

  /**
   * A missing or broken serving certificate at start-up: say which file and why, and stop (listed
   * in {@code META-INF/spring.factories}).
   */
  static final class Analyzer extends AbstractFailureAnalyzer<InvalidCertificateException> {

    @Override
    protected FailureAnalysis analyze(Throwable root, InvalidCertificateException cause) {
      return new FailureAnalysis(
          "The webhook has no usable serving certificate: " + cause.getMessage(),
          "Mount a kubernetes.io/tls Secret at the paths of webhook.tls.cert-file and"
              + " webhook.tls.key-file (see certs/README.md), or run locally with the 'local'"
              + " profile.",
          cause);
    }
  }
}
