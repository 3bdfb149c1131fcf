package dev.pullsecret.webhook.delivery;

import com.fasterxml.jackson.annotation.JsonIncludeProperties;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fields of a copy that {@link SyncCaches.ObservedCopy} reads, the only ones the copies' watch
 * binds. A tenant can add to our copy in a namespace of theirs what the copy's marks and hash do
 * not cover (labels, managedFields, other annotations): the copy stays current, so it is never
 * rewritten, and a page of the watch's list is held whole before the store reduces it. Bound as
 * fabric8's objects, 21 copies given 60,000 labels each (1.5 MB of JSON) ended the process with an
 * {@code OutOfMemoryError} at start-up (image flags). The data stays bound: the hash reads it, and
 * a copy whose data was changed is rewritten at once.
 */
final class CopyFields {

  private CopyFields() {}

  /** Our two marks, the only annotations read. */
  static final class ReadAnnotations extends NamedKeysOnly {
    ReadAnnotations() {
      super(CopyMarks.SOURCE_ANNOTATION, CopyMarks.HASH_ANNOTATION);
    }
  }

  @JsonIncludeProperties({"metadata", "type", "data", "immutable"})
  interface SecretMixIn {}

  /** The resource version is the watch's bookmark. */
  @JsonIncludeProperties({"name", "namespace", "resourceVersion", "annotations"})
  interface ObjectMetaMixIn {
    @JsonDeserialize(as = ReadAnnotations.class)
    void setAnnotations(Map<String, String> annotations);
  }

  /** For a client that reads our copies only: every other object's metadata would lose fields. */
  static JsonMapper.Builder bindOnlyReadFields(JsonMapper.Builder builder) {
    return builder
        .addMixIn(Secret.class, SecretMixIn.class)
        .addMixIn(ObjectMeta.class, ObjectMetaMixIn.class);
  }
}
