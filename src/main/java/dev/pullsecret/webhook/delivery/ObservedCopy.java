package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.api.model.Secret;

/**
 * What the sync loop knows of one of its copies: enough to tell whether it is current and to update
 * it, and nothing a tenant could make large. The copies are watched by our label, which anyone who
 * can write a Secret can set, and a tenant can edit our copy in a namespace of theirs: with whole
 * objects in the cache, Secrets of up to 1 MiB each, in any number, would all be held. Here each
 * costs its key, a resource version, its type and marks (kept only when short enough to match) and
 * a hash of its content, whatever it holds.
 *
 * @param sourceMark the copy's source annotation, or null
 * @param hashMark the copy's content-hash annotation (what it was made from), or null
 * @param contentHash the hash of what the copy holds now (type and data)
 */
record ObservedCopy(
    String resourceVersion, String type, String sourceMark, String hashMark, String contentHash) {

  /** From a whole copy as the API server returns it. */
  static ObservedCopy of(Secret copy) {
    return new ObservedCopy(
        copy.getMetadata().getResourceVersion(),
        bounded(copy.getType()),
        bounded(CopyMarks.annotation(copy, CopyMarks.SOURCE_ANNOTATION)),
        bounded(CopyMarks.annotation(copy, CopyMarks.HASH_ANNOTATION)),
        CopyMarks.contentHash(copy));
  }

  /**
   * Longer than any type, source ({@code namespace/name}) or hash a copy of ours can carry; the API
   * server bounds neither a Secret's type nor one annotation, only all of them (256 KiB).
   */
  static final int MAX_KEPT_CHARS = 512;

  /** What can match a source; longer, a value that matches none (so the copy is rewritten). */
  private static String bounded(String value) {
    return value == null || value.length() <= MAX_KEPT_CHARS ? value : "(too long)";
  }
}
