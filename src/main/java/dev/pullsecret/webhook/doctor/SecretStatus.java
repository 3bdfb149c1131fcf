package dev.pullsecret.webhook.doctor;

import java.util.Locale;

/** What the doctor found of one pull secret in one namespace. */
public enum SecretStatus {
  /** There, ours (or, for a secret that is only referenced, valid), with current content. */
  PRESENT,
  /** Not there: pods pull anonymously. */
  MISSING,
  /** A Secret of that name exists but the webhook did not make it, and will not touch it. */
  NOT_OURS,
  /** The source has problems (copied anyway if a pull-secret type, never copied otherwise). */
  INVALID_SOURCE,
  /** A secret the webhook only references is there, but the kubelet cannot use it as intended. */
  INVALID,
  /** Our copy holds other content than the source: the sync loop has not caught up (or is off). */
  STALE,
  /** Our copy is there but its source is gone. */
  SOURCE_MISSING,
  /** The credentials a provider gave have expired: the webhook has not renewed them. */
  EXPIRED,
  /**
   * Our copy is in a namespace the webhook never acts in (skipped or opted out): the sync loop
   * removes it; if it stays, delivery is not running.
   */
  LEFT_OUT;

  public boolean isOk() {
    return this == PRESENT;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
