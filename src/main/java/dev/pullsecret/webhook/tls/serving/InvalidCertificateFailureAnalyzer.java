package dev.pullsecret.webhook.tls.serving;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A missing or broken serving certificate at start-up: say which file and why, and stop. */
class InvalidCertificateFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidCertificateException> {

  @Override
  protected FailureAnalysis analyze(Throwable root, InvalidCertificateException cause) {
    return new FailureAnalysis(
        "The webhook has no usable serving certificate: " + cause.getMessage(),
        "Mount a kubernetes.io/tls Secret at the paths of webhook.tls.cert-file and"
            + " webhook.tls.key-file (see certs/README.md), or run locally with the 'local' profile.",
        cause);
  }
}
