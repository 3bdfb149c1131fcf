package dev.pullsecret.webhook.tls.serving;

import java.nio.file.Path;

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
}
