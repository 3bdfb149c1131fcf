package dev.pullsecret.webhook.cli;

/** A command line that cannot be run; the message is shown as is, followed by a help hint. */
final class UsageException extends Exception {
  UsageException(String message) {
    super(message);
  }
}
