package dev.pullsecret.webhook.files;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A file the webhook refuses to start on (its rules, a credential provider config, a serving
 * certificate): Spring Boot prints what is wrong and how to fix it instead of a stack trace, and
 * the process stops ({@link Analyzer}, listed in {@code META-INF/spring.factories}).
 */
public abstract class RefusedFileException extends RuntimeException {

  private final String refusal;
  private final String fix;

  /**
   * @param message what is wrong with the file, every located error included
   * @param refusal what that means at start-up, before the message
   * @param fix what the operator does about it
   */
  protected RefusedFileException(String message, Throwable cause, String refusal, String fix) {
    super(message, cause);
    this.refusal = refusal;
    this.fix = fix;
  }

  /**
   * Whether the same content may pass later as time goes by (a certificate not valid yet): it is
   * then loaded again at every poll until it passes or the files change, and reported once. Any
   * other refused content is not read again until the files change.
   */
  public boolean passesLater() {
    return false;
  }

  static final class Analyzer extends AbstractFailureAnalyzer<RefusedFileException> {

    @Override
    protected FailureAnalysis analyze(Throwable root, RefusedFileException cause) {
      return new FailureAnalysis(cause.refusal + " " + cause.getMessage(), cause.fix, cause);
    }
  }
}
