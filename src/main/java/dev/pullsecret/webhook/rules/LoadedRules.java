package dev.pullsecret.webhook.rules;

import java.time.Instant;

/**
 * The rules in force and where they came from. {@code generation} counts successful loads; {@code
 * digest} identifies the file content (first 12 hex digits of its SHA-256).
 */
public record LoadedRules(
    Rules rules, long generation, String digest, Instant loadedAt, String source) {

  /** Short form for logs and audit annotations, e.g. {@code 3/4f2a9c01b7de}. */
  public String version() {
    return generation + "/" + digest;
  }
}
