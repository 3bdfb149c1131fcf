package dev.pullsecret.webhook.delivery;

import java.util.Locale;

/** The state of one wanted copy (a pull secret in a namespace), as counted in metrics. */
enum CopyState {
  /** The copy holds the source's current content. */
  SYNCED,
  /** A create or update is under way or waiting for a retry. */
  PENDING,
  /** No copy, and none can be made: the source does not exist. */
  MISSING,
  /** The copy is kept but its source is gone: it holds the last content seen. */
  SOURCE_MISSING,
  /** A Secret of that name exists and is not ours: left untouched. */
  CONFLICT,
  /** The source has problems: copied anyway if it is a pull-secret type, else not copied. */
  INVALID_SOURCE,
  /**
   * The webhook may not watch or update Secrets of that name (its RBAC does not cover it): no copy
   * is made, as none could be kept in sync.
   */
  FORBIDDEN;

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
