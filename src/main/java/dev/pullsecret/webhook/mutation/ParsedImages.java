package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed image references, remembered: the replicas of a workload all carry the same images, so a
 * cluster sees few distinct references and most reviews need no parsing. Parsing is a pure
 * function, so caching changes no answer. Bounded: past the bound, references are parsed each time.
 */
final class ParsedImages {

  private static final int MAX_ENTRIES = 10_000;

  /** An image as parsed: the reference, or why it is not one. */
  record Parsed(ImageReference reference, String problem) {}

  private final Map<String, Parsed> cache = new ConcurrentHashMap<>();

  Parsed parse(String image) {
    Parsed parsed = image == null ? null : cache.get(image);
    if (parsed == null) {
      parsed = parseNow(image);
      if (image != null && cache.size() < MAX_ENTRIES) {
        cache.put(image, parsed);
      }
    }
    return parsed;
  }

  private static Parsed parseNow(String image) {
    try {
      return new Parsed(ImageReference.parse(image), null);
    } catch (InvalidImageSyntaxException e) {
      return new Parsed(null, e.getMessage());
    }
  }
}
