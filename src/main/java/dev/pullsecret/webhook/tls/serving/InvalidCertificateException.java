package dev.pullsecret.webhook.tls.serving;

import dev.pullsecret.webhook.files.RefusedFileException;
import java.nio.file.Path;

/**
 * A certificate or key file that cannot be served. Unchecked because callers cannot repair files at
 * run time; the message names the file and what to fix, fit to show an operator as is.
 */
public class InvalidCertificateException extends RefusedFileException {

  public InvalidCertificateException(Path file, String problem) {
    this(file, problem, null);
  }

  public InvalidCertificateException(Path file, String problem, Throwable cause) {
    super(
        file + ": " + problem,
        cause,
        "The webhook has no usable serving certificate:",
        "Mount a kubernetes.io/tls Secret at the paths of webhook.tls.cert-file and"
            + " webhook.tls.key-file (see certs/README.md), or run locally with the 'local'"
            + " profile.");
  }

  /** A certificate not valid yet, which the same files may pass once it is. */
  static final class NotYetValid extends InvalidCertificateException {

    NotYetValid(Path file, String problem) {
      super(file, problem);
    }

    @Override
    public boolean passesLater() {
      return true;
    }
  }
}
