package dev.pullsecret.webhook.cli;

/** A command whose {@code --help} is a hand-written manual page, printed as it is. */
interface ManPage {

  /** NAME, SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS, EXAMPLES, SEE ALSO; lines under 80. */
  String manPage();
}
