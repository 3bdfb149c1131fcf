package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import java.util.Map;
import java.util.Optional;

/**
 * The digests the registries served for a pod's images, as the caller of a pass looked them up;
 * also whether a {@code when: present} mirror holds an image (a digest there: it does).
 *
 * @param digests {@code algorithm:hex} per image (as pinned and mirrored, without digest; at a
 *     mirror, as asked)
 * @param failures why an image has no digest, e.g. {@code timeout: no answer within 1.5s}
 * @param notLookedUp why images in neither map have none (e.g. lookups are off)
 */
public record ResolvedDigests(
    Map<ImageReference, String> digests, Map<ImageReference, String> failures, String notLookedUp) {

  /** Nothing was looked up: what the pure tests pass. */
  public static final ResolvedDigests NONE = notLookedUp("no lookups were made");

  public ResolvedDigests {
    digests = Map.copyOf(digests);
    failures = Map.copyOf(failures);
  }

  public static ResolvedDigests notLookedUp(String why) {
    return new ResolvedDigests(Map.of(), Map.of(), why);
  }

  public Optional<String> digest(ImageReference image) {
    return Optional.ofNullable(digests.get(image));
  }

  /** Why the lookup of {@code image} failed; empty when it was not looked up at all. */
  public Optional<String> failure(ImageReference image) {
    return Optional.ofNullable(failures.get(image));
  }
}
