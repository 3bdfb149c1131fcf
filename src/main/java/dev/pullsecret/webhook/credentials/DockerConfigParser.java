package dev.pullsecret.webhook.credentials;

import static dev.pullsecret.webhook.credentials.AuthsEntry.field;
import static dev.pullsecret.webhook.text.StrictJson.type;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.joining;
import static java.util.stream.Collectors.toList;

import dev.pullsecret.webhook.text.StrictJson;
import dev.pullsecret.webhook.text.Text;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the {@link AuthsEntry auths entries} of a decoded {@code .dockerconfigjson} ({@code
 * {"auths": {key: entry}}}) or legacy {@code .dockercfg} ({@code {key: entry}}) the way the
 * kubelet's Go code decodes them, field names matching case-insensitively. Every problem is
 * collected; parser messages are never passed on, as they may quote the content.
 */
final class DockerConfigParser {

  /** Far more registries than any real secret names; bounds the work of every lookup. */
  static final int MAX_ENTRIES = 1000;

  /** A config nests 3 levels deep; extra fields (HttpHeaders, credHelpers) add one or two. */
  private static final int MAX_NESTING_DEPTH = 32;

  static final JsonMapper JSON = StrictJson.mapper(MAX_NESTING_DEPTH);

  private final String dataKey;
  private final List<Problem> problems;
  private final List<AuthsEntry> entries = new ArrayList<>();

  private DockerConfigParser(String dataKey, List<Problem> problems) {
    this.dataKey = Text.quote(dataKey);
    this.problems = problems;
  }

  /** Parses the content; the problems are appended to {@code problems}. */
  static DockerConfig parse(
      byte[] content, String dataKey, boolean legacy, List<Problem> problems) {
    DockerConfigParser parser = new DockerConfigParser(dataKey, problems);
    parser.read(content, legacy);
    parser.reportDuplicates();
    return new DockerConfig(parser.entries);
  }

  private void read(byte[] content, boolean legacy) {
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (JacksonException e) {
      problem(
          ProblemCode.NOT_JSON, dataKey + " is not valid JSON" + StrictJson.where(e.getLocation()));
      return;
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      problem(ProblemCode.NO_AUTHS, dataKey + " is JSON null: it has no registry credentials");
      return;
    }
    if (!root.isObject()) {
      problem(ProblemCode.NOT_JSON, dataKey + " is a JSON " + type(root) + ", not an object");
      return;
    }
    JsonNode wrapped = field(root, "auths");
    JsonNode auths = legacy ? root : wrapped;
    if (legacy && root.size() == 1 && wrapped != null && wrapped.isObject()) {
      problem(
          ProblemCode.NO_AUTHS,
          dataKey
              + " has the .dockerconfigjson format (an \"auths\" map), which the kubelet reads"
              + " here as a registry named \"auths\"; use type kubernetes.io/dockerconfigjson with"
              + " key .dockerconfigjson, or drop the \"auths\" wrapper");
      return;
    }
    if (auths == null || auths.isNull() || (auths.isObject() && auths.isEmpty())) {
      problem(ProblemCode.NO_AUTHS, dataKey + noAuthsReason(root, legacy));
      return;
    }
    if (!auths.isObject()) {
      problem(
          ProblemCode.NO_AUTHS,
          dataKey + ": \"auths\" is a JSON " + type(auths) + ", not an object");
      return;
    }
    if (auths.size() > MAX_ENTRIES) {
      problem(
          ProblemCode.TOO_MANY_ENTRIES,
          dataKey + " has " + auths.size() + " registries; at most " + MAX_ENTRIES + " are read");
      return;
    }
    for (Map.Entry<String, JsonNode> property : auths.properties()) {
      AuthsEntry entry = AuthsEntry.read(property.getKey(), property.getValue(), problems);
      if (entry != null) {
        entries.add(entry);
      }
    }
  }

  private static String noAuthsReason(JsonNode root, boolean legacy) {
    if (legacy) {
      return " has no registries";
    }
    if (field(root, "credHelpers") != null || field(root, "credsStore") != null) {
      return " has no \"auths\" entries, only credHelpers or credsStore, which the kubelet does not"
          + " run; log in with the credentials themselves (docker login writes them to auths when"
          + " no credential store is configured)";
    }
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      JsonNode value = entry.getValue();
      if (value.isObject() && (field(value, "auth") != null || field(value, "username") != null)) {
        return " has no \"auths\" map: its entries are at the top level, as in the legacy"
            + " .dockercfg format; wrap them in {\"auths\": {...}}";
      }
    }
    return " has no \"auths\" map of registries";
  }

  private void reportDuplicates() {
    entries.stream()
        .map(AuthsEntry::key)
        .filter(Objects::nonNull)
        .collect(groupingBy(RegistryKey::indexKey, LinkedHashMap::new, toList()))
        .forEach(
            (indexKey, keys) -> {
              if (keys.size() > 1) {
                String written = keys.stream().map(RegistryKey::display).collect(joining(", "));
                problem(
                    ProblemCode.DUPLICATE_REGISTRY,
                    """
                    auths keys %s are one registry for the kubelet (%s), which tries them in an \
                    unpredictable order; keep one"""
                        .formatted(written, RegistryKey.display(indexKey)));
              }
            });
  }

  private void problem(ProblemCode code, String message) {
    problems.add(new Problem(code, message));
  }
}
