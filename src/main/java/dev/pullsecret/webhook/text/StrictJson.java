package dev.pullsecret.webhook.text;

import java.util.Locale;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON from outside the webhook (a pull secret's content, a plugin's answer, a review), read
 * strictly and within bounds, and told about in messages without quoting it: where a parse failed
 * and the types found, never the values (they may hold credentials).
 */
public final class StrictJson {

  private StrictJson() {}

  /** Refuses trailing content, numbers over 100 digits and nesting over {@code maxNestingDepth}. */
  public static JsonMapper mapper(int maxNestingDepth) {
    return JsonMapper.builder(
            JsonFactory.builder()
                .streamReadConstraints(
                    StreamReadConstraints.builder()
                        .maxNestingDepth(maxNestingDepth)
                        .maxNumberLength(100)
                        .build())
                .build())
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
  }

  /** {@code " (line L, column C)"} where a parse failed; empty when Jackson does not know. */
  public static String where(TokenStreamLocation location) {
    return location == null || location.getLineNr() < 0
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  /** The type of {@code node} as messages name it ({@code object}, {@code string}, ...). */
  public static String type(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
