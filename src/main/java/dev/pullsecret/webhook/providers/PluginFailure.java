package dev.pullsecret.webhook.providers;

import java.util.Locale;

/**
 * Why a plugin gave no credentials, in words fit for an Event, a log line and {@code kubectl}: the
 * message never holds a credential (the plugin's standard output is never quoted, its standard
 * error only redacted and bounded: {@link OutputDrain#diagnostics}).
 */
public final class PluginFailure extends Exception {

  /** What went wrong, as a stable metric label ({@link #label()}). */
  public enum Kind {
    /** The pull secret names a provider that is not configured, or not made for its registry. */
    NOT_CONFIGURED,
    /** The binary is not in the plugin directory, or cannot be run. */
    MISSING_BINARY,
    /** The plugin exited with a status other than 0. */
    EXIT_STATUS,
    /** No answer within the time-out: the plugin was killed. */
    TIMEOUT,
    /** More output than an answer needs: the plugin was killed. */
    OUTPUT_TOO_LARGE,
    /** The answer is not a CredentialProviderResponse of the configured apiVersion. */
    INVALID_RESPONSE,
    /** A valid answer without credentials for the registry asked about. */
    NOT_COVERED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Kind kind;

  public PluginFailure(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
