package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a copy is marked as ours: a label (so that only our copies are listed and watched) and
 * annotations naming the source and a hash of the content copied. A Secret without the label is
 * never ours, whatever its name.
 */
public final class CopyMarks {

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "pullsecret-webhook";
  public static final String SOURCE_ANNOTATION = "pullsecret.dev/source";
  public static final String HASH_ANNOTATION = "pullsecret.dev/content-hash";

  private CopyMarks() {}

  public static boolean isOurs(Secret secret) {
    var labels = secret.getMetadata().getLabels();
    return labels != null && MANAGED_BY.equals(labels.get(MANAGED_BY_LABEL));
  }

  public static String annotation(Secret secret, String key) {
    var annotations = secret.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  /**
   * A hash of what a copy must hold: type and data (keys sorted). Labels and annotations are not
   * content: a copy carries ours, not the source's.
   */
  public static String contentHash(Secret secret) {
    try {
      var sha = MessageDigest.getInstance("SHA-256");
      sha.update(String.valueOf(secret.getType()).getBytes(StandardCharsets.UTF_8));
      Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
      for (var entry : new TreeMap<>(data).entrySet()) {
        sha.update((byte) 0);
        sha.update(entry.getKey().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(String.valueOf(entry.getValue()).getBytes(StandardCharsets.UTF_8));
      }
      return "sha256:" + HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
