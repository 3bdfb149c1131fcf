package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.api.model.Secret;

/**
 * What the sync loop knows of one of its copies: enough to tell whether it is current and to update
 * it, and nothing a tenant who can edit Secrets in the namespace could make large. The content is
 * kept as its hash, not as data.
 *
 * @param sourceMark the copy's source annotation, or null
 * @param hashMark the copy's content-hash annotation (what it was made from), or null
 * @param contentHash the hash of what the copy holds now (type and data)
 */
record ObservedCopy(
    String name,
    String resourceVersion,
    String type,
    String sourceMark,
    String hashMark,
    String contentHash) {

  /** From a whole copy as the API server returns it. */
  static ObservedCopy of(Secret copy) {
    return new ObservedCopy(
        copy.getMetadata().getName(),
        copy.getMetadata().getResourceVersion(),
        copy.getType(),
        CopyMarks.annotation(copy, CopyMarks.SOURCE_ANNOTATION),
        CopyMarks.annotation(copy, CopyMarks.HASH_ANNOTATION),
        CopyMarks.contentHash(copy));
  }
}
